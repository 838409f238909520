package dev.comfy4j.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, as transformers' slow {@code CLIPTokenizer} runs it in ComfyUI
 * without ftfy: literal special tokens are split out first, the rest is cleaned like BERT's basic
 * tokenizer ({@link ClipTextCleaner}), cut by CLIP's regex, mapped byte by byte to unicode and merged
 * by the BPE ranks of {@code merges.txt}. Thread-safe.
 */
public final class ClipTokenizer {
    public static final String START_TEXT = "<|startoftext|>";
    public static final String END_TEXT = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";
    /** transformers reads at most this many merges ({@code 49152 - 256 - 2}). */
    private static final int MAX_MERGES = 49152 - 256 - 2;
    private static final int CACHE_LIMIT = 100_000;

    private static final Pattern WORD_PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPECIAL = Pattern.compile(Pattern.quote(START_TEXT) + "|" + Pattern.quote(END_TEXT));
    private static final String[] BYTE_TO_UNICODE = bytesToUnicode();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, String[]> cache = new ConcurrentHashMap<>();
    private final int startToken;
    private final int endToken;

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.startToken = requireToken(START_TEXT);
        this.endToken = requireToken(END_TEXT);
    }

    /** Reads {@code vocab.json} (token to id) and {@code merges.txt} (a version line, then one merge a line). */
    public static ClipTokenizer load(Path vocabJson, Path mergesTxt) throws IOException {
        JsonNode root = Json.parse(Files.readString(vocabJson, StandardCharsets.UTF_8));
        if (!root.isObject()) throw new IOException(vocabJson + " is not a JSON object of token ids");
        Map<String, Integer> vocab = new HashMap<>(root.size() * 2);
        for (var e : root.properties()) {
            if (!e.getValue().canConvertToInt()) throw new IOException(vocabJson + ": token " + e.getKey() + " has no integer id");
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        Map<String, Integer> ranks = new HashMap<>(lines.size() * 2);
        // As transformers does: strip the text, drop the version line, keep at most MAX_MERGES.
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isBlank()) last--;
        for (int i = 1; i < last && i <= MAX_MERGES; i++) {
            String line = lines.get(i);
            if (line.split(" ").length != 2) throw new IOException(mergesTxt + " line " + (i + 1) + " is not a merge pair: " + line);
            ranks.putIfAbsent(line, i - 1);
        }
        return new ClipTokenizer(vocab, ranks);
    }

    public int startToken() {
        return startToken;
    }

    public int endToken() {
        return endToken;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** The token ids of {@code text}, without start and end tokens. */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher special = SPECIAL.matcher(text);
        int from = 0;
        while (special.find()) {
            encodePlain(text.substring(from, special.start()), ids);
            ids.add(vocab.get(special.group()));
            from = special.end();
        }
        encodePlain(text.substring(from), ids);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    private void encodePlain(String text, List<Integer> ids) {
        if (text.isEmpty()) return;
        String cleaned = String.join(" ", ClipTextCleaner.words(text));
        Matcher m = WORD_PIECES.matcher(cleaned);
        while (m.find()) {
            String piece = m.group();
            for (String token : bpe(byteEncode(piece))) ids.add(vocab.getOrDefault(token, endToken));
        }
    }

    private static String byteEncode(String piece) {
        StringBuilder sb = new StringBuilder();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) sb.append(BYTE_TO_UNICODE[b & 0xff]);
        return sb.toString();
    }

    /** The BPE tokens of one byte-encoded piece (the slow tokenizer's {@code bpe}, cached). */
    private String[] bpe(String token) {
        if (token.equals(START_TEXT) || token.equals(END_TEXT)) return new String[]{token};
        String[] cached = cache.get(token);
        if (cached != null) return cached;
        String[] merged = merge(token);
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(token, merged);
        return merged;
    }

    private String[] merge(String token) {
        List<String> word = new ArrayList<>();
        token.codePoints().forEach(cp -> word.add(Character.toString(cp)));
        word.set(word.size() - 1, word.getLast() + END_OF_WORD);
        if (word.size() == 1) return new String[]{word.getFirst()};
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> next = new ArrayList<>(word.size());
            int i = 0;
            while (i < word.size()) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    next.add(first + second);
                    i += 2;
                } else {
                    next.add(word.get(i));
                    i++;
                }
            }
            word.clear();
            word.addAll(next);
        }
        return word.toArray(String[]::new);
    }

    private int requireToken(String token) {
        Integer id = vocab.get(token);
        if (id == null) throw new IllegalArgumentException("the vocabulary has no " + token + " token: not a CLIP tokenizer");
        return id;
    }

    /** GPT-2's reversible map from the 256 byte values to printable unicode characters. */
    private static String[] bytesToUnicode() {
        String[] map = new String[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = Character.toString(printable[b] ? b : 256 + extra++);
        }
        return map;
    }
}
