package dev.comfy4j.model;

import dev.comfy4j.model.PickleValues.Global;
import dev.comfy4j.model.PickleValues.Storage;
import dev.comfy4j.model.PickleValues.TensorRef;
import dev.comfy4j.model.PickleValues.Tuple;
import dev.comfy4j.tensor.DType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pickle of a PyTorch zip checkpoint ({@code data.pkl}) without executing anything. It is
 * an interpreter for the pickle opcodes that builds plain Java values: {@link LinkedHashMap} for
 * dict/OrderedDict, {@link ArrayList} for list, {@link Tuple}, {@link Long}/{@link BigInteger},
 * {@link Double}, {@link String}, {@code byte[]}, {@link Boolean}, {@link PickleValues.None}, and
 * {@link TensorRef} for tensors. A reference to any Python global outside a short allow-list (the
 * tensor rebuild functions, storage types, OrderedDict) is refused with {@link UnsafePickleException}
 * the moment it is read, so e.g. {@code os.system} never gets as far as a call. The same rules as
 * {@code torch.load(weights_only=True)}, narrower.
 *
 * <p>Not thread-safe; one instance reads one pickle.
 */
final class RestrictedUnpickler {
    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("DoubleStorage", DType.F64), Map.entry("FloatStorage", DType.F32),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private static final Set<String> FUNCTIONS = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state",
            "torch._tensor._rebuild_from_type_v2",
            "torch.Tensor",
            "torch.nn.parameter.Parameter");

    private static final Object MARK = new Object();

    private final Path file;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path file, byte[] pickle) {
        this.file = file;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads one pickle. {@code file} names the checkpoint in errors. */
    static Object load(Path file, byte[] pickle) throws ModelFileException {
        try {
            return new RestrictedUnpickler(file, pickle).run();
        } catch (java.nio.BufferUnderflowException e) {
            throw new ModelFileException(file, "the checkpoint's pickle is truncated");
        } catch (IndexOutOfBoundsException | ClassCastException | ArithmeticException e) {
            throw new ModelFileException(file, "the checkpoint's pickle is corrupt (" + e.getMessage() + ")");
        }
    }

    private Object run() throws ModelFileException {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO
                case 0x95 -> in.getLong(); // FRAME: a length hint
                case '.' -> { // STOP
                    if (stack.size() != 1) throw corrupt("STOP with " + stack.size() + " values on the stack");
                    return stack.getFirst();
                }
                case '(' -> { marks.add(stack.size()); stack.add(MARK); }
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(List.of(pop())));
                case 0x86 -> { Object b = pop(); Object a = pop(); push(new Tuple(List.of(a, b))); }
                case 0x87 -> { Object c = pop(); Object b = pop(); Object a = pop(); push(new Tuple(List.of(a, b, c))); }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> { Map<Object, Object> m = new LinkedHashMap<>(); putAll(m, popMark()); push(m); }
                case 'a' -> { Object v = pop(); list(peek()).add(v); }
                case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); }
                case 's' -> { Object v = pop(); Object k = pop(); map(peek()).put(key(k), v); }
                case 'u' -> { List<Object> items = popMark(); putAll(map(peek()), items); }
                case 'J' -> push((long) in.getInt());
                case 'K' -> push((long) (in.get() & 0xff));
                case 'M' -> push((long) (in.getShort() & 0xffff));
                case 0x8a -> push(longOf(bytes(in.get() & 0xff)));
                case 0x8b -> push(longOf(bytes(length(in.getInt()))));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // BINFLOAT is big-endian
                case 'I' -> push(textInt(line()));
                case 'L' -> push(textLong(line()));
                case 'F' -> push(Double.parseDouble(line()));
                case 'N' -> push(PickleValues.None.NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'X' -> push(utf8(bytes(length(in.getInt()))));
                case 0x8c -> push(utf8(bytes(in.get() & 0xff)));
                case 0x8d -> push(utf8(bytes(length(in.getLong()))));
                case 'T' -> push(new String(bytes(length(in.getInt())), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(in.get() & 0xff), StandardCharsets.ISO_8859_1));
                case 'B' -> push(bytes(length(in.getInt())));
                case 'C' -> push(bytes(in.get() & 0xff));
                case 0x8e, 0x96 -> push(bytes(length(in.getLong())));
                case 'c' -> { String module = line(); String name = line(); push(global(module, name)); }
                case 0x93 -> { Object name = pop(); Object module = pop(); push(global((String) module, (String) name)); }
                case 'R' -> { Object args = pop(); Object fn = pop(); push(reduce(fn, args)); }
                case 0x81 -> { Object args = pop(); Object cls = pop(); push(reduce(cls, args)); } // NEWOBJ
                case 'b' -> build();
                case 'Q' -> push(persistent(pop()));
                case 'q' -> memo.put((long) (in.get() & 0xff), peek());
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
                case 'p' -> memo.put(Long.parseLong(line()), peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(in.get() & 0xff));
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
                case 'g' -> push(memoGet(Long.parseLong(line())));
                case 'i' -> throw new UnsafePickleException(file, "an object built with INST (" + line() + "." + line() + ")");
                case 'o' -> throw new UnsafePickleException(file, "an object built with OBJ");
                case 0x92 -> throw new UnsafePickleException(file, "an object built with NEWOBJ_EX");
                case 'P' -> throw new UnsafePickleException(file, "a text persistent id");
                case 0x82, 0x83, 0x84 -> throw new UnsafePickleException(file, "the copyreg extension registry");
                case 0x8f, 0x90, 0x91 -> throw new UnsafePickleException(file, "a set");
                case 0x97, 0x98 -> throw new UnsafePickleException(file, "out-of-band buffers");
                default -> throw corrupt(String.format("unknown opcode 0x%02x at byte %d", op, in.position() - 1));
            }
        }
    }

    private Object global(String module, String name) throws UnsafePickleException {
        String full = module + "." + name;
        if (module.equals("torch") && STORAGE_TYPES.containsKey(name)) return new Global(module, name);
        if (FUNCTIONS.contains(full)) return new Global(module, name);
        throw new UnsafePickleException(file, "the Python global '" + full + "'");
    }

    private Object reduce(Object fn, Object argsValue) throws ModelFileException {
        if (!(fn instanceof Global g)) throw new UnsafePickleException(file, "a call of a non-global " + describe(fn));
        if (!(argsValue instanceof Tuple(List<Object> args))) throw corrupt("call arguments are not a tuple");
        return switch (g.toString()) {
            case "collections.OrderedDict" -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (!args.isEmpty() && args.getFirst() instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof Tuple(List<Object> kv) && kv.size() == 2) m.put(key(kv.get(0)), kv.get(1));
                    }
                }
                yield m;
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (args.size() < 4 || !(args.getFirst() instanceof Storage storage)) throw corrupt("bad _rebuild_tensor_v2 arguments");
                yield new TensorRef(storage, number(args.get(1)), longs(args.get(2)), longs(args.get(3)));
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.isEmpty() || !(args.getFirst() instanceof TensorRef t)) throw corrupt("bad _rebuild_parameter arguments");
                yield t;
            }
            case "torch._tensor._rebuild_from_type_v2" -> {
                // (func, type, args, state): rebuild with func(*args); the subclass type is dropped.
                if (args.size() < 3) throw corrupt("bad _rebuild_from_type_v2 arguments");
                yield reduce(args.get(0), args.get(2));
            }
            default -> throw new UnsafePickleException(file, "a call of '" + g + "'");
        };
    }

    /** BUILD: sets an object's state. Only a dict's attributes (e.g. a state dict's {@code _metadata}) are allowed; they are dropped. */
    private void build() throws ModelFileException {
        Object state = pop();
        Object target = peek();
        if (target instanceof Map<?, ?> || target instanceof TensorRef) return;
        throw new UnsafePickleException(file, "setting the state of " + describe(target) + " (to " + describe(state) + ")");
    }

    private Object persistent(Object pid) throws ModelFileException {
        if (!(pid instanceof Tuple(List<Object> t)) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw new UnsafePickleException(file, "an unknown persistent id " + describe(pid));
        }
        if (!(t.get(1) instanceof Global g) || !g.module().equals("torch") || !STORAGE_TYPES.containsKey(g.name())) {
            throw new UnsafePickleException(file, "an unknown storage type " + describe(t.get(1)));
        }
        if (!(t.get(2) instanceof String key)) throw corrupt("storage key is not a string");
        long numel = number(t.get(4));
        if (numel < 0) throw corrupt("negative storage size");
        return new Storage(key, STORAGE_TYPES.get(g.name()), numel);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private ModelFileException corrupt(String why) {
        return new ModelFileException(file, "the checkpoint's pickle is corrupt: " + why);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws ModelFileException {
        if (stack.isEmpty()) throw corrupt("stack underflow");
        Object o = stack.removeLast();
        if (o == MARK) throw corrupt("unexpected mark");
        return o;
    }

    private Object peek() throws ModelFileException {
        if (stack.isEmpty() || stack.getLast() == MARK) throw corrupt("stack underflow");
        return stack.getLast();
    }

    private List<Object> popMark() throws ModelFileException {
        if (marks.isEmpty()) throw corrupt("no mark");
        int at = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private Object memoGet(long index) throws ModelFileException {
        if (!memo.containsKey(index)) throw corrupt("memo " + index + " is not set");
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws ModelFileException {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw corrupt("APPEND to " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) throws ModelFileException {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw corrupt("SETITEM on " + describe(o));
    }

    private void putAll(Map<Object, Object> m, List<Object> items) throws ModelFileException {
        if (items.size() % 2 != 0) throw corrupt("odd number of dict items");
        for (int i = 0; i < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
    }

    private Object key(Object k) throws ModelFileException {
        if (k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
                || k instanceof Double || k instanceof Tuple || k == PickleValues.None.NONE) return k;
        throw corrupt("unhashable dict key " + describe(k));
    }

    private long number(Object o) throws ModelFileException {
        if (o instanceof Long l) return l;
        throw corrupt("expected an integer, got " + describe(o));
    }

    private long[] longs(Object o) throws ModelFileException {
        if (!(o instanceof Tuple(List<Object> items))) throw corrupt("expected a tuple of sizes, got " + describe(o));
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(items.get(i));
        return out;
    }

    private int length(long n) throws ModelFileException {
        if (n < 0 || n > in.remaining()) throw corrupt("a length of " + n + " runs past the end");
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() throws ModelFileException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte b = in.get();
            if (b == '\n') return sb.toString();
            if (sb.length() > 4096) throw corrupt("a text line too long");
            sb.append((char) (b & 0xff));
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** LONG1/LONG4: little-endian two's complement. */
    private static Object longOf(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static Object textInt(String s) {
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        return textLong(s);
    }

    private static Object textLong(String s) {
        String digits = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        BigInteger v = new BigInteger(digits);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static String describe(Object o) {
        if (o == null) return "null";
        String s = String.valueOf(o);
        return o.getClass().getSimpleName() + " " + (s.length() > 80 ? s.substring(0, 80) + "..." : s);
    }
}
