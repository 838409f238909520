package dev.comfy4j.nodes;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputConventions;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.TorchRuntime;
import dev.comfy4j.model.clip.TokenizerFiles;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.SharedTokenizer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a node may need from the application, given to node factories by the catalogue
 * ({@link NodeCatalogue}). Every service is present: there is no "without folders" catalogue.
 *
 * @param folders the input, output, temp and user roots and the model folder registry; file names
 *     from prompts are resolved through {@link Folders#resolveInside}
 * @param models the model manager: loaded weights belong to it, nodes hold leases
 * @param device the compute device; a supplier because libtorch starts in the background and the
 *     device is known only once it is up (asking waits for it)
 * @param previews how sampling previews are made ({@code --preview-method}, {@code --preview-size})
 * @param outputs the output file conventions (names, counters, metadata)
 * @param checkpoints what the loader nodes use to open model files and hand out MODEL, CLIP and VAE handles
 */
public record NodeServices(Folders folders, ModelManager models, Supplier<Device> device, PreviewSettings previews,
                           OutputConventions outputs, Checkpoints checkpoints) {
    public NodeServices {
        Objects.requireNonNull(folders, "folders");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(previews, "previews");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /** The services of a server configuration: the device libtorch picks, previews and metadata from the flags. */
    public static NodeServices of(ServerConfig config, Folders folders, ModelManager models) {
        return new NodeServices(folders, models, TorchRuntime::computeDevice,
                new PreviewSettings(config.previewMethod(), config.previewSize()),
                new OutputConventions(config.disableMetadata()),
                checkpoints(folders, models, URI.create(config.clipTokenizerUrl()), TorchRuntime::computeDevice));
    }

    /**
     * The model loading of a server: the CLIP tokenizer files are looked for in the first
     * {@code text_encoders} folder (and downloaded there from {@code tokenizerUrl} when missing),
     * textual inversions in every {@code embeddings} folder.
     */
    public static Checkpoints checkpoints(Folders folders, ModelManager models, URI tokenizerUrl, Supplier<Device> device) {
        Path tokenizerFolder = folders.models().searchPaths("text_encoders").getFirst();
        var tokenizer = new SharedTokenizer(new TokenizerFiles(tokenizerFolder, tokenizerUrl),
                folders.models().searchPaths("embeddings"));
        return new Checkpoints(models, tokenizer, device);
    }

    /** The compute device (waits for libtorch when it is still starting). */
    public Device computeDevice() {
        return device.get();
    }

    public Path input() {
        return folders.input();
    }

    public Path output() {
        return folders.output();
    }

    public Path temp() {
        return folders.temp();
    }
}
