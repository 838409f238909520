package dev.comfy4j.model.clip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's {@code SD1Tokenizer.tokenize_with_weights(text, return_word_ids=True)}: prompt weights,
 * {@code embedding:name} textual inversions and the 77-token chunking with its rules. Each word (the
 * tokens of one piece of text between weight markers, or one embedding) gets its own word id; a word
 * of 8 tokens or more that does not fit is split at the chunk boundary, a shorter one moves whole to
 * the next chunk. Thread-safe.
 */
public final class Sd1Tokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(Sd1Tokenizer.class);
    public static final int MAX_LENGTH = 77;
    /** Words at least this long are split across chunks rather than moved. */
    static final int MAX_WORD_LENGTH = 8;
    static final String EMBEDDING_PREFIX = "embedding:";
    private static final Pattern EMBEDDING_SPLIT = Pattern.compile(" " + EMBEDDING_PREFIX + "|\n" + EMBEDDING_PREFIX);

    private final ClipTokenizer tokenizer;
    private final List<Path> embeddingDirectories;
    private final TextualInversions embeddings;
    /** The token after the end token up to 77: the end token for CLIP-L, 0 for SDXL's CLIP-G. */
    private final int padToken;

    /**
     * @param embeddingDirectories the {@code embeddings} model folders; null turns {@code embedding:}
     *     into plain text, as ComfyUI does without an embedding directory
     */
    public Sd1Tokenizer(ClipTokenizer tokenizer, List<Path> embeddingDirectories) {
        this(tokenizer, embeddingDirectories, "clip_l", tokenizer.endToken());
    }

    private Sd1Tokenizer(ClipTokenizer tokenizer, List<Path> embeddingDirectories, String embeddingKey, int padToken) {
        this.tokenizer = tokenizer;
        this.embeddingDirectories = embeddingDirectories;
        this.embeddings = embeddingDirectories == null ? null : new TextualInversions(embeddingDirectories, embeddingKey);
        this.padToken = padToken;
    }

    /**
     * ComfyUI's {@code SDXLClipGTokenizer}: the same vocabulary and rules, padded with 0
     * ({@code pad_with_end=False}) and reading the {@code clip_g} vectors of embedding files.
     */
    public Sd1Tokenizer forClipG() {
        return new Sd1Tokenizer(tokenizer, embeddingDirectories, "clip_g", 0);
    }

    /**
     * ComfyUI's {@code SD2ClipHTokenizer} (SD2.x's OpenCLIP ViT-H): the same vocabulary and rules, padded
     * with 0 ({@code pad_with_end=False}). It passes no {@code embedding_key}, so embedding files are read
     * under SDTokenizer's default key, {@code clip_l}, as ComfyUI 0.3.64 does.
     */
    public Sd1Tokenizer forClipH() {
        return new Sd1Tokenizer(tokenizer, embeddingDirectories, "clip_l", 0);
    }

    public ClipTokenizer clipTokenizer() {
        return tokenizer;
    }

    public int padToken() {
        return padToken;
    }

    public TokenizedPrompt tokenizeWithWeights(String text) {
        List<List<WeightedToken>> words = words(text);
        return new TokenizedPrompt(chunk(words));
    }

    /** The weighted words of {@code text}, before chunking; word ids are their 1-based positions here. */
    private List<List<WeightedToken>> words(String text) {
        List<List<WeightedToken>> words = new ArrayList<>();
        for (PromptWeights.Segment segment : PromptWeights.tokenWeights(PromptWeights.escapeImportant(text), 1.0)) {
            double weight = segment.weight();
            String unescaped = PromptWeights.unescapeImportant(segment.text());
            String[] split = EMBEDDING_SPLIT.split(unescaped, -1);
            List<String> pieces = new ArrayList<>();
            pieces.add(split[0]);
            for (int i = 1; i < split.length; i++) pieces.add(EMBEDDING_PREFIX + split[i]);
            for (String piece : pieces) {
                if (piece.isEmpty()) continue;
                String word = piece;
                if (word.startsWith(EMBEDDING_PREFIX) && embeddings != null) {
                    String name = stripNewlines(word.substring(EMBEDDING_PREFIX.length()));
                    Lookup found = lookUp(name);
                    if (found.rows() == null) {
                        LOG.warn("warning, embedding:{} does not exist, ignoring", name);
                    } else {
                        List<WeightedToken> group = new ArrayList<>();
                        for (float[] row : found.rows()) group.add(WeightedToken.vector(row, weight, 0));
                        words.add(group);
                    }
                    if (found.leftover().isEmpty()) continue;
                    word = found.leftover();
                }
                List<WeightedToken> group = new ArrayList<>();
                for (int id : tokenizer.encode(word)) group.add(WeightedToken.token(id, weight, 0));
                words.add(group);
            }
        }
        return words;
    }

    private record Lookup(List<float[]> rows, String leftover) {}

    /**
     * ComfyUI's {@code _try_get_embedding}: the name is the first whitespace-separated word, the rest is
     * left over as text; a name with commas at its ends is tried again without them.
     */
    private Lookup lookUp(String name) {
        List<String> parts = ClipTextCleaner.splitPythonWhitespace(name);
        if (parts.isEmpty()) return new Lookup(null, ""); // ComfyUI fails with an IndexError here
        String first = parts.getFirst();
        String leftover = String.join(" ", parts.subList(1, parts.size()));
        List<float[]> rows = embeddings.load(first);
        if (rows == null) {
            String stripped = stripCommas(first);
            if (stripped.length() < first.length()) {
                rows = embeddings.load(stripped);
                return new Lookup(rows, first.substring(stripped.length()) + " " + leftover);
            }
        }
        return new Lookup(rows, leftover);
    }

    /** The chunks: start token, up to 75 positions, end token, padding to 77. */
    private List<List<WeightedToken>> chunk(List<List<WeightedToken>> words) {
        int start = tokenizer.startToken();
        int end = tokenizer.endToken();
        int pad = padToken;
        List<List<WeightedToken>> chunks = new ArrayList<>();
        List<WeightedToken> batch = new ArrayList<>();
        batch.add(WeightedToken.token(start, 1.0, 0));
        chunks.add(batch);
        for (int i = 0; i < words.size(); i++) {
            int wordId = i + 1;
            List<WeightedToken> group = words.get(i);
            boolean large = group.size() >= MAX_WORD_LENGTH;
            while (!group.isEmpty()) {
                if (group.size() + batch.size() > MAX_LENGTH - 1) {
                    int remaining = MAX_LENGTH - batch.size() - 1;
                    if (large) {
                        for (WeightedToken t : group.subList(0, remaining)) batch.add(withWordId(t, wordId));
                        batch.add(WeightedToken.token(end, 1.0, 0));
                        group = group.subList(remaining, group.size());
                    } else {
                        batch.add(WeightedToken.token(end, 1.0, 0));
                        for (int p = 0; p < remaining; p++) batch.add(WeightedToken.token(pad, 1.0, 0));
                    }
                    batch = new ArrayList<>();
                    batch.add(WeightedToken.token(start, 1.0, 0));
                    chunks.add(batch);
                } else {
                    for (WeightedToken t : group) batch.add(withWordId(t, wordId));
                    group = List.of();
                }
            }
        }
        batch.add(WeightedToken.token(end, 1.0, 0));
        while (batch.size() < MAX_LENGTH) batch.add(WeightedToken.token(pad, 1.0, 0));
        return chunks;
    }

    private static WeightedToken withWordId(WeightedToken t, int wordId) {
        return new WeightedToken(t.id(), t.embedding(), t.weight(), wordId);
    }

    private static String stripNewlines(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '\n') a++;
        while (b > a && s.charAt(b - 1) == '\n') b--;
        return s.substring(a, b);
    }

    private static String stripCommas(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == ',') a++;
        while (b > a && s.charAt(b - 1) == ',') b--;
        return s.substring(a, b);
    }
}
