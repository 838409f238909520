package dev.comfy4j.model.clip;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads textual-inversion embeddings the way ComfyUI's {@code load_embed} does: the name is
 * looked up in every embeddings folder and their sub-folders, as given or with {@code .safetensors},
 * {@code .pt} or {@code .bin} appended, never outside the folder; the vectors come from
 * {@code string_to_param}, the {@code clip_l} key, bundled LoRA embeddings or the first tensor.
 */
final class TextualInversions {
    private static final Logger LOG = LoggerFactory.getLogger(TextualInversions.class);
    private static final List<String> EXTENSIONS = List.of(".safetensors", ".pt", ".bin");

    private final List<Path> directories;
    private final String embeddingKey;

    TextualInversions(List<Path> directories, String embeddingKey) {
        this.directories = List.copyOf(directories);
        this.embeddingKey = embeddingKey;
    }

    /** The rows of the named embedding (each one token's vector), or null when there is no such file or it is unreadable. */
    List<float[]> load(String name) {
        Path file = find(name);
        if (file == null) return null;
        try (StateDict sd = ModelFiles.loadStateDict(file); TensorScope ignored = TensorScope.open()) {
            Tensor t = pick(sd);
            if (t == null) throw new ModelFileException(file, "holds no tensor");
            return rows(t);
        } catch (ModelFileException | RuntimeException e) {
            LOG.warn("{}\n\nerror loading embedding, skipping loading: {}", e.toString(), name);
            return null;
        }
    }

    private Path find(String name) {
        for (Path dir : expandedDirectories()) {
            Path base = dir.toAbsolutePath().normalize();
            Path candidate;
            try {
                candidate = base.resolve(name).normalize();
            } catch (RuntimeException invalidPath) {
                continue;
            }
            if (!candidate.startsWith(base)) continue;
            if (Files.isRegularFile(candidate)) return candidate;
            for (String ext : EXTENSIONS) {
                Path withExt = candidate.resolveSibling(candidate.getFileName() + ext);
                if (Files.isRegularFile(withExt)) return withExt;
            }
        }
        return null;
    }

    /** Every folder and, below each, all its sub-folders (links followed), in a stable order. */
    private List<Path> expandedDirectories() {
        Set<Path> out = new LinkedHashSet<>();
        for (Path dir : directories) {
            out.add(dir);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
                walk.filter(Files::isDirectory).sorted().forEach(out::add);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("cannot list embeddings folder {}: {}", dir, e.getMessage());
            }
        }
        return new ArrayList<>(out);
    }

    private Tensor pick(StateDict sd) {
        Map<String, Tensor> tensors = sd.tensors();
        for (var e : tensors.entrySet()) {
            if (e.getKey().startsWith("string_to_param.")) return e.getValue();
        }
        if (embeddingKey != null && tensors.containsKey(embeddingKey)) return tensors.get(embeddingKey);
        Tensor bundled = bundled(tensors, ".string_to_param.*");
        if (bundled == null && embeddingKey != null) bundled = bundled(tensors, "." + embeddingKey);
        if (bundled != null) return bundled;
        return tensors.isEmpty() ? null : tensors.values().iterator().next();
    }

    /** Embeddings bundled in a LoRA file: {@code bundle_emb.<name><suffix>}, concatenated. */
    private static Tensor bundled(Map<String, Tensor> tensors, String suffix) {
        List<Tensor> parts = new ArrayList<>();
        tensors.forEach((k, t) -> {
            if (k.startsWith("bundle_emb.") && k.endsWith(suffix)) parts.add(t);
        });
        return parts.isEmpty() ? null : Tensor.cat(parts, 0);
    }

    private static List<float[]> rows(Tensor t) {
        List<float[]> out = new ArrayList<>();
        if (t.dim() == 1) {
            out.add(t.toFloatArray());
        } else if (t.dim() == 2) {
            for (long r = 0; r < t.size(0); r++) out.add(t.select(0, r).toFloatArray());
        } else {
            throw new IllegalArgumentException("an embedding tensor of shape " + java.util.Arrays.toString(t.shape())
                    + " is not a list of token vectors");
        }
        return out;
    }
}
