package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import dev.comfy4j.engine.PromptNode;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ComfyUI's CacheKeySetInputSignature (execution spec §11.2). ComfyUI's key for a node is the list
 * of its own immediate signature followed by those of all its ancestors in DFS order (inputs visited
 * by sorted name), with links written as (ANCESTOR, index, socket). Node ids are not part of the
 * key, so structurally identical nodes share results, within a prompt and across prompts.
 *
 * <p>Held as lists, those keys grow with the square of a graph's depth (a 4,000-node chain needs
 * over a gigabyte). Here a key is a {@link SignatureKey}: a keyed 122-bit digest of exactly that
 * list, so two keys are equal when ComfyUI's lists are equal and (but for a collision of odds about
 * 2^-100) only then. Each node's immediate signature is digested once per run into a token plus one
 * random coefficient per link; an ancestor entry in a key is then {@code token + Σ coefficient_j ·
 * (index_j + 1)}, a random linear function of the ancestor indexes, and the key a polynomial hash of
 * the entries. Because shifting every index by one adds a known amount, a node fed by a single
 * ancestor (chains, pass-through nodes) extends that ancestor's digest in constant time; other
 * nodes walk their ancestry as ComfyUI does, a few multiplications per ancestor, keeping nothing.
 * Memory is linear in the graph; the walks' time is bounded by the graph-size limits.
 *
 * <p>{@code FlatSignatureReference} in the tests is the readable list form; a test checks that both
 * make the same equalities.
 */
public final class InputSignatureKeys implements KeyFunction {
    private final NodeRegistry registry;
    private Fingerprints memoRun;
    private DynamicPrompt memoPrompt;
    private final Map<String, Object> keys = new HashMap<>();
    private final Map<String, Integer> indexes = new HashMap<>();
    private final List<Shape> shapes = new ArrayList<>();
    // Scratch of the ancestry walk, reused from key to key.
    private int[] visitStamp = new int[64];
    private int[] order = new int[64];
    private int[] ancestors = new int[64];
    private int[] stackNode = new int[64];
    private int[] stackPos = new int[64];
    private int stamp;
    private int[] walkMark = new int[64];
    private int walkStamp;
    private final List<Partial> partials = new ArrayList<>();

    /**
     * A key: the digest of ComfyUI's signature list. A node ComfyUI keys with a fresh object (it is
     * not in the prompt) gets a fresh {@code Object} instead, equal to nothing else.
     */
    public record SignatureKey(long first, long second) {}

    /**
     * One node's immediate signature (class, IS_CHANGED, maybe its id, inputs sorted by name with
     * literals made hashable), digested into one token per hash, and the nodes its links point to
     * with one random coefficient per link and hash. A node missing from the prompt has no shape
     * token: ComfyUI gives it a fresh NaN, so each visit draws a fresh one.
     */
    private record Shape(boolean missing, long token1, long token2, int[] links, long[] coef1, long[] coef2,
                         long coefSum1, long coefSum2) {}

    /**
     * A node's signature list as a digest still open for extension: for each hash the Horner sum of
     * the entries, the sum of the entries' coefficient sums (what shifting every index by one adds),
     * the entry count and base^count. Tainted when it holds a fresh value (a missing node), which
     * ComfyUI makes unique to each key, so it must not be shared by extension.
     */
    private record Partial(long h1, long h2, long s1, long s2, long length, long pow1, long pow2, boolean tainted) {}

    public InputSignatureKeys(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object key(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints) {
        if (memoRun != fingerprints || memoPrompt != prompt) {
            // A new run: node ids and fingerprints may mean something else now.
            keys.clear();
            indexes.clear();
            shapes.clear();
            partials.clear();
            memoRun = fingerprints;
            memoPrompt = prompt;
        }
        Object known = keys.get(nodeId);
        if (known == null) {
            if (prompt.hasNode(nodeId)) {
                Partial p = partial(index(prompt, nodeId, fingerprints));
                known = new SignatureKey(close(p.h1(), p.length(), Digest128.BASE_1), close(p.h2(), p.length(), Digest128.BASE_2));
            } else {
                known = new Object();
            }
            keys.put(nodeId, known);
        }
        return known;
    }

    /** The entry count closes the stream, so no key is a prefix of another. */
    private static long close(long h, long length, long base) {
        return Digest128.addMod(Digest128.mulMod(h, base), length);
    }

    /**
     * The open digest of a node's signature list. A node whose links all point to one node that is
     * in the prompt (a chain, a pass-through) extends that node's list in O(1): its list is its own
     * entry followed by the ancestor's list with every index moved up by one. Others walk their
     * ancestry. Walks down chains are iterative.
     */
    private Partial partial(int node) {
        List<Integer> walk = new ArrayList<>();
        walkStamp++;
        int x = node;
        boolean cycle = false;
        while (partials.get(x) == null) {
            int child = singleParent(shapes.get(x));
            if (child < 0 || shapes.get(child).missing() || (partials.get(child) != null && partials.get(child).tainted())) {
                partials.set(x, walked(x));
                break;
            }
            if (walkMark[x] == walkStamp) {
                cycle = true;
                break;
            }
            walkMark[x] = walkStamp;
            walk.add(x);
            x = child;
        }
        for (int i = walk.size() - 1; i >= 0; i--) {
            int w = walk.get(i);
            if (partials.get(w) != null) continue;
            Partial below = partials.get(singleParent(shapes.get(w)));
            partials.set(w, cycle || below == null || below.tainted() ? walked(w) : extend(shapes.get(w), below));
        }
        return partials.get(node);
    }

    /** The one node all links of this shape point to, or -1 (no links, or several ancestors). */
    private static int singleParent(Shape s) {
        if (s.links().length == 0) return -1;
        int first = s.links()[0];
        for (int t : s.links()) if (t != first) return -1;
        return first;
    }

    /** [own entry] + the ancestor's list shifted by one: each entry grows by its coefficient sum. */
    private static Partial extend(Shape s, Partial below) {
        long e1 = Digest128.addMod(s.token1(), s.coefSum1()); // every link points to index 0
        long e2 = Digest128.addMod(s.token2(), s.coefSum2());
        long h1 = Digest128.addMod(Digest128.mulMod(e1, below.pow1()), Digest128.addMod(below.h1(), below.s1()));
        long h2 = Digest128.addMod(Digest128.mulMod(e2, below.pow2()), Digest128.addMod(below.h2(), below.s2()));
        long s1 = Digest128.addMod(Digest128.mulMod(s.coefSum1(), below.pow1()), below.s1());
        long s2 = Digest128.addMod(Digest128.mulMod(s.coefSum2(), below.pow2()), below.s2());
        return new Partial(h1, h2, s1, s2, below.length() + 1, Digest128.mulMod(below.pow1(), Digest128.BASE_1),
                Digest128.mulMod(below.pow2(), Digest128.BASE_2), false);
    }

    /** ComfyUI's list, walked: the node's entry, then each ancestor's in DFS order. */
    private Partial walked(int root) {
        int count = orderedAncestry(root);
        long h1 = 0;
        long h2 = 0;
        long s1 = 0;
        long s2 = 0;
        long pow1 = 1;
        long pow2 = 1;
        boolean tainted = false;
        for (int i = -1; i < count; i++) {
            Shape s = shapes.get(i < 0 ? root : ancestors[i]);
            long e1;
            long e2;
            if (s.missing()) {
                // ComfyUI writes a fresh NaN for a node that is not there: this key equals no other.
                Digest128.Value fresh = new Digest128().addUnique().value();
                e1 = fresh.first();
                e2 = fresh.second();
                tainted = true;
            } else {
                e1 = s.token1();
                e2 = s.token2();
                for (int j = 0; j < s.links().length; j++) {
                    long position = order[s.links()[j]] + 1L;
                    e1 = Digest128.addMod(e1, Digest128.mulMod(s.coef1()[j], position));
                    e2 = Digest128.addMod(e2, Digest128.mulMod(s.coef2()[j], position));
                }
            }
            h1 = Digest128.addMod(Digest128.mulMod(h1, Digest128.BASE_1), e1);
            h2 = Digest128.addMod(Digest128.mulMod(h2, Digest128.BASE_2), e2);
            s1 = Digest128.addMod(Digest128.mulMod(s1, Digest128.BASE_1), s.coefSum1());
            s2 = Digest128.addMod(Digest128.mulMod(s2, Digest128.BASE_2), s.coefSum2());
            pow1 = Digest128.mulMod(pow1, Digest128.BASE_1);
            pow2 = Digest128.mulMod(pow2, Digest128.BASE_2);
        }
        return new Partial(h1, h2, s1, s2, count + 1L, pow1, pow2, tainted);
    }

    /**
     * Pre-order DFS over links by sorted input name, as ComfyUI's get_ordered_ancestry; iterative so
     * that long chains cannot overflow the stack. Fills {@code ancestors} and their {@code order};
     * returns how many there are.
     */
    private int orderedAncestry(int root) {
        stamp++;
        int count = 0;
        int depth = 0;
        stackNode[0] = root;
        stackPos[0] = 0;
        depth = 1;
        while (depth > 0) {
            Shape top = shapes.get(stackNode[depth - 1]);
            int pos = stackPos[depth - 1];
            if (pos >= top.links().length) {
                depth--;
                continue;
            }
            stackPos[depth - 1] = pos + 1;
            int target = top.links()[pos];
            if (visitStamp[target] == stamp) continue;
            visitStamp[target] = stamp;
            order[target] = count;
            ancestors[count++] = target;
            if (!shapes.get(target).missing()) {
                stackNode[depth] = target;
                stackPos[depth] = 0;
                depth++;
            }
        }
        return count;
    }

    /** The node's index in this run's tables, digesting its shape (and its link targets') on first sight. */
    private int index(DynamicPrompt prompt, String id, Fingerprints fingerprints) {
        Integer known = indexes.get(id);
        if (known != null) return known;
        // Shapes refer to their link targets by index: assign them without recursion.
        List<String> todo = new ArrayList<>();
        todo.add(id);
        assign(id);
        int first = shapes.size();
        for (int i = 0; i < todo.size(); i++) {
            String current = todo.get(i);
            shapes.add(null);
            partials.add(null);
            if (!prompt.hasNode(current)) continue;
            for (Object v : prompt.node(current).inputs().values()) {
                if (v instanceof Link link && !indexes.containsKey(link.nodeId())) {
                    assign(link.nodeId());
                    todo.add(link.nodeId());
                }
            }
        }
        for (int i = 0; i < todo.size(); i++) shapes.set(first + i, shape(prompt, todo.get(i), fingerprints));
        return indexes.get(id);
    }

    private void assign(String id) {
        int i = indexes.size();
        indexes.put(id, i);
        if (i >= visitStamp.length) {
            int n = Math.max(i + 1, visitStamp.length * 2);
            visitStamp = Arrays.copyOf(visitStamp, n);
            order = Arrays.copyOf(order, n);
            ancestors = Arrays.copyOf(ancestors, n);
            stackNode = Arrays.copyOf(stackNode, n + 1);
            stackPos = Arrays.copyOf(stackPos, n + 1);
            walkMark = Arrays.copyOf(walkMark, n);
        }
    }

    private Shape shape(DynamicPrompt prompt, String id, Fingerprints fingerprints) {
        if (!prompt.hasNode(id)) return new Shape(true, 0, 0, new int[0], new long[0], new long[0], 0, 0);
        PromptNode node = prompt.node(id);
        Digest128 d = new Digest128();
        NodeRegistry.Entry entry = registry.get(node.classType());
        NodeSchema schema = entry == null ? null : entry.schema();
        boolean withId = schema != null && (schema.notIdempotent() || schema.uniqueIdInCacheKey());
        d.add(withId ? 3 : 2).addString(node.classType()).addHashable(Hashable.of(fingerprints.isChanged(id)));
        if (withId) d.addString(id);
        TreeMap<String, Object> sorted = new TreeMap<>(node.inputs());
        d.add(sorted.size());
        List<Link> links = new ArrayList<>();
        for (Map.Entry<String, Object> input : sorted.entrySet()) {
            d.addString(input.getKey());
            if (input.getValue() instanceof Link link) {
                // The ancestor index is added per key, through this link's coefficient.
                d.add(0).add(links.size()).addLong(link.slot());
                links.add(link);
            } else {
                d.add(1).addHashable(Hashable.of(input.getValue()));
            }
        }
        Digest128.Value v = d.value();
        int[] targets = new int[links.size()];
        long[] coef1 = new long[links.size()];
        long[] coef2 = new long[links.size()];
        long sum1 = 0;
        long sum2 = 0;
        for (int j = 0; j < targets.length; j++) {
            targets[j] = indexes.get(links.get(j).nodeId());
            coef1[j] = coefficient(v.first(), j);
            coef2[j] = coefficient(v.second(), j);
            sum1 = Digest128.addMod(sum1, coef1[j]);
            sum2 = Digest128.addMod(sum2, coef2[j]);
        }
        return new Shape(false, v.first(), v.second(), targets, coef1, coef2, sum1, sum2);
    }

    /** A pseudo-random nonzero coefficient for link {@code j} of a shape (SplitMix64 of the secret token). */
    private static long coefficient(long token, int j) {
        long z = token + (j + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return 1 + Math.floorMod(z, Digest128.P - 1);
    }
}
