package dev.comfy4j.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.DynamicPrompt;
import dev.comfy4j.engine.PromptNode;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The digest keys make exactly the equalities ComfyUI's list keys make ({@link FlatSignatureReference}
 * is the list form, as ComfyUI builds it), and stay small for deep graphs.
 */
class InputSignatureKeysTest {
    private static final Fingerprints NONE = id -> false;

    /** A class whose node id joins the key (not idempotent). */
    static final class Volatile implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("Volatile", "tests").output("*").notIdempotent().build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return NodeResult.of(1);
        }
    }

    private static NodeRegistry registry() {
        return new NodeRegistry().register(Volatile::new);
    }

    /** Small alphabets on purpose: many structurally equal subgraphs, shared or duplicated ancestors. */
    private static Map<String, PromptNode> randomGraph(Random r, int size) {
        Map<String, PromptNode> nodes = new LinkedHashMap<>();
        List<Object> literals = List.of(1L, 1.0, true, 2L, 2.5, "x", "y", List.of(1L, "x"), Map.of("k", 1L),
                Double.NaN, new BigInteger("18446744073709551615"));
        String[] classes = {"A", "B", "Volatile"};
        for (int i = 0; i < size; i++) {
            String id = Integer.toString(i + r.nextInt(3) * 100);
            if (nodes.containsKey(id)) continue;
            Map<String, Object> inputs = new LinkedHashMap<>();
            for (String name : new String[] {"a", "b"}) {
                int choice = r.nextInt(10);
                if (choice < 3 || (choice >= 6 && nodes.isEmpty())) {
                    // mostly values Python finds equal (1, 1.0, True), sometimes anything else
                    inputs.put(name, literals.get(r.nextInt(4) == 0 ? r.nextInt(literals.size()) : r.nextInt(3)));
                } else if (choice >= 6) {
                    List<String> ids = new ArrayList<>(nodes.keySet());
                    inputs.put(name, new Link(ids.get(r.nextInt(ids.size())), r.nextInt(4) == 0 ? 1 : 0));
                }
            }
            String cls = r.nextInt(20) == 0 ? classes[2] : classes[r.nextInt(5) == 0 ? 1 : 0];
            nodes.put(id, new PromptNode(id, cls, inputs, null));
        }
        return nodes;
    }

    @Test
    void digestKeysAreEqualExactlyWhenComfyUisListKeysAre() {
        Random r = new Random(42);
        List<Object> reference = new ArrayList<>();
        List<Object> digests = new ArrayList<>();
        KeyFunction lists = new FlatSignatureReference(registry());
        KeyFunction hashed = new InputSignatureKeys(registry());
        for (int graph = 0; graph < 150; graph++) {
            DynamicPrompt prompt = new DynamicPrompt(randomGraph(r, 2 + r.nextInt(8)));
            // The same run for both: within a run, nodes that are not plain data keep their marker.
            // (A capturing lambda: a new instance per graph, which starts a new run of both key functions.)
            int runNumber = graph;
            Fingerprints run = id -> runNumber < 0;
            for (String id : prompt.originalIds()) {
                reference.add(lists.key(prompt, id, run));
                digests.add(hashed.key(prompt, id, run));
            }
        }
        int equalPairs = 0;
        for (int i = 0; i < reference.size(); i++) {
            for (int j = i + 1; j < reference.size(); j++) {
                boolean same = reference.get(i).equals(reference.get(j));
                assertThat(digests.get(i).equals(digests.get(j))).as("keys %d and %d", i, j).isEqualTo(same);
                if (same) equalPairs++;
            }
        }
        assertThat(equalPairs).as("the random graphs must exercise equal keys").isGreaterThan(100);
    }

    @Test
    void sharedAncestorDiffersFromTwoIdenticalOnes() {
        // ComfyUI's keys tell a node fed twice by one ancestor from one fed by two identical ancestors.
        Map<String, PromptNode> shared = new LinkedHashMap<>();
        shared.put("1", new PromptNode("1", "A", Map.of("a", "x"), null));
        shared.put("3", new PromptNode("3", "B", Map.of("a", new Link("1", 0), "b", new Link("1", 0)), null));
        Map<String, PromptNode> twins = new LinkedHashMap<>();
        twins.put("1", new PromptNode("1", "A", Map.of("a", "x"), null));
        twins.put("2", new PromptNode("2", "A", Map.of("a", "x"), null));
        twins.put("3", new PromptNode("3", "B", Map.of("a", new Link("1", 0), "b", new Link("2", 0)), null));
        KeyFunction keys = new InputSignatureKeys(registry());
        Object first = keys.key(new DynamicPrompt(shared), "3", NONE);
        DynamicPrompt second = new DynamicPrompt(twins);
        assertThat(keys.key(second, "3", id -> false)).isNotEqualTo(first);
        assertThat(keys.key(second, "1", NONE)).isEqualTo(keys.key(second, "2", NONE));
    }

    @Test
    void pythonEqualityOfLiterals() {
        KeyFunction keys = new InputSignatureKeys(registry());
        Object one = keys.key(single(1L), "1", NONE);
        assertThat(keys.key(single(1.0), "1", id -> false)).isEqualTo(one);
        assertThat(keys.key(single(true), "1", x -> false)).isEqualTo(one);
        assertThat(keys.key(single("1"), "1", x -> false)).isNotEqualTo(one);
        assertThat(keys.key(single(Double.NaN), "1", x -> false)).isNotEqualTo(keys.key(single(Double.NaN), "1", x -> false));
    }

    private static DynamicPrompt single(Object value) {
        return new DynamicPrompt(Map.of("1", new PromptNode("1", "A", Map.of("a", value), null)));
    }

    @Test
    void aDeepChainKeepsKeysSmall() {
        int n = 20_000;
        Map<String, PromptNode> chain = new LinkedHashMap<>();
        chain.put("0", new PromptNode("0", "A", Map.of("a", "start"), null));
        for (int i = 1; i < n; i++) {
            chain.put(Integer.toString(i), new PromptNode(Integer.toString(i), "B",
                    Map.of("a", new Link(Integer.toString(i - 1), 0)), null));
        }
        DynamicPrompt prompt = new DynamicPrompt(chain);
        KeyFunction keys = new InputSignatureKeys(registry());
        long start = System.nanoTime();
        List<Object> all = new ArrayList<>();
        for (String id : prompt.originalIds()) all.add(keys.key(prompt, id, NONE));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(all).allMatch(k -> k instanceof InputSignatureKeys.SignatureKey);
        assertThat(new java.util.HashSet<>(all)).hasSize(n);
        // 2e8 ancestor visits; a list key per node would hold 2e8 entries (gigabytes).
        assertThat(millis).as("keys of a %d-node chain", n).isLessThan(30_000);
    }
}
