package dev.comfy4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorArrayRef;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A tensor: a handle on a libtorch {@code at::Tensor}. Methods read like PyTorch's and return new
 * tensors (views where PyTorch returns views); only methods ending in {@code _} change this tensor.
 *
 * <p>Every tensor is owned: by the innermost open {@link TensorScope} of the thread that created it,
 * or, outside any scope, by its creator, who calls {@link #close()}. Closing releases this handle;
 * the memory goes when the last handle on it (views included) is gone.
 *
 * <p>Not thread-safe: one thread at a time may use a tensor (libtorch parallelises each op itself).
 */
public final class Tensor implements AutoCloseable {
    static {
        TorchRuntime.ensureStarted();
    }

    private org.bytedeco.pytorch.Tensor raw;
    private TensorScope owner;
    private long[] shape;
    /** Keeps the memory a zero-copy tensor points into reachable (see {@link #fromMemory}). */
    private final Object memoryOwner;

    private Tensor(org.bytedeco.pytorch.Tensor raw, Object memoryOwner) {
        this.raw = raw;
        this.memoryOwner = memoryOwner;
        this.owner = TensorScope.current();
        if (owner != null) owner.register(this);
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /**
     * Runs one libtorch call. The call's temporaries (options, scalars, array refs) live in a JavaCPP
     * pointer scope that closes right away; the result keeps one reference, owned by the new facade.
     */
    static Tensor call(Supplier<org.bytedeco.pytorch.Tensor> op) {
        return adopt(op, null);
    }

    static Tensor adopt(Supplier<org.bytedeco.pytorch.Tensor> op, Object memoryOwner) {
        org.bytedeco.pytorch.Tensor result;
        try (PointerScope ignored = new PointerScope()) {
            result = op.get();
            result.retainReference();
        }
        return new Tensor(result, memoryOwner);
    }

    static List<Tensor> callList(Supplier<TensorVector> op) {
        List<org.bytedeco.pytorch.Tensor> parts = new ArrayList<>();
        try (PointerScope ignored = new PointerScope()) {
            TensorVector v = op.get();
            for (long i = 0; i < v.size(); i++) {
                // A copy of the at::Tensor handle that outlives the vector.
                org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor(v.get(i));
                t.retainReference();
                parts.add(t);
            }
        }
        List<Tensor> out = new ArrayList<>(parts.size());
        for (var t : parts) out.add(new Tensor(t, null));
        return out;
    }

    /** Several results of one libtorch call (a tuple's elements), each owned by a new facade. */
    static List<Tensor> callAll(Supplier<org.bytedeco.pytorch.Tensor[]> op) {
        List<org.bytedeco.pytorch.Tensor> parts = new ArrayList<>();
        try (PointerScope ignored = new PointerScope()) {
            for (org.bytedeco.pytorch.Tensor r : op.get()) {
                org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor(r);
                t.retainReference();
                parts.add(t);
            }
        }
        List<Tensor> out = new ArrayList<>(parts.size());
        for (var t : parts) out.add(new Tensor(t, null));
        return out;
    }

    /** The libtorch handle, for this package only. */
    org.bytedeco.pytorch.Tensor raw() {
        if (raw == null) throw new IllegalStateException("tensor is closed");
        return raw;
    }

    TensorScope owner() {
        return owner;
    }

    void owner(TensorScope scope) {
        this.owner = scope;
    }

    /**
     * Takes this tensor out of the scope that owns it: the caller owns it from now on and closes it.
     * For long-lived tensors such as model weights that are created while a scope is open.
     */
    public Tensor escapeScope() {
        owner = null;
        return this;
    }

    public boolean isClosed() {
        return raw == null;
    }

    /** Releases this handle. Safe to call twice. */
    @Override
    public void close() {
        if (raw != null) {
            raw.releaseReference();
            raw = null;
        }
    }

    private static <T> T scoped(Supplier<T> read) {
        try (PointerScope ignored = new PointerScope()) {
            return read.get();
        }
    }

    // ---- factories --------------------------------------------------------------------------

    public static Tensor zeros(DType dtype, long... shape) {
        return zeros(dtype, Device.CPU, shape);
    }

    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return call(() -> torch.zeros(shape, TorchTypes.options(dtype, device)));
    }

    public static Tensor ones(DType dtype, long... shape) {
        return call(() -> torch.ones(shape, TorchTypes.options(dtype, Device.CPU)));
    }

    public static Tensor full(double value, DType dtype, long... shape) {
        return call(() -> torch.full(shape, new Scalar(value), TorchTypes.options(dtype, Device.CPU)));
    }

    /** Uninitialised memory: fill it before reading. */
    public static Tensor empty(DType dtype, Device device, long... shape) {
        return call(() -> torch.empty(shape, TorchTypes.options(dtype, device), new org.bytedeco.pytorch.MemoryFormatOptional()));
    }

    /** {@code torch.arange(start, end, step)}. */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        return call(() -> torch.arange(new Scalar(start), new Scalar(end), new Scalar(step),
                TorchTypes.options(dtype, Device.CPU)));
    }

    public static Tensor linspace(double start, double end, long steps, DType dtype) {
        return call(() -> torch.linspace(new Scalar(start), new Scalar(end), steps, TorchTypes.options(dtype, Device.CPU)));
    }

    /** Standard normal samples from {@code generator} ({@code torch.randn(shape, generator=g)}), on the CPU. */
    public static Tensor randn(TorchGenerator generator, DType dtype, long... shape) {
        return call(() -> torch.randn(shape, new org.bytedeco.pytorch.GeneratorOptional(generator.raw()),
                TorchTypes.options(dtype, Device.CPU)));
    }

    /**
     * {@code torch.randint(high, shape, generator=g)}: int64 values in [0, high) on the CPU; for high below 2^32
     * torch takes one 32-bit mt19937 output per element, in order, as {@code value % high}.
     */
    public static Tensor randint(TorchGenerator generator, long high, long... shape) {
        return call(() -> torch.randint(high, shape, new org.bytedeco.pytorch.GeneratorOptional(generator.raw()),
                TorchTypes.options(DType.I64, Device.CPU)));
    }

    /** A float32 CPU tensor holding a copy of {@code values}. */
    public static Tensor fromFloats(float[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = empty(DType.F32, Device.CPU, shape);
        MemorySegment.copy(values, 0, t.dataSegment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return t;
    }

    /** An int64 CPU tensor holding a copy of {@code values}. */
    public static Tensor fromLongs(long[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = empty(DType.I64, Device.CPU, shape);
        MemorySegment.copy(values, 0, t.dataSegment(), ValueLayout.JAVA_LONG_UNALIGNED, 0, values.length);
        return t;
    }

    /** A CPU tensor of {@code dtype} whose little-endian bytes are a copy of {@code bytes}. */
    public static Tensor fromBytes(byte[] bytes, DType dtype, long... shape) {
        long n = numel(shape);
        if (n * dtype.byteSize() != bytes.length) {
            throw new IllegalArgumentException(bytes.length + " bytes do not hold " + Arrays.toString(shape) + " " + dtype);
        }
        Tensor t = empty(dtype, Device.CPU, shape);
        MemorySegment.copy(bytes, 0, t.dataSegment(), ValueLayout.JAVA_BYTE, 0, bytes.length);
        return t;
    }

    /**
     * A CPU tensor that views {@code memory} without copying (e.g. a memory-mapped safetensors file).
     * The caller keeps the memory valid (its arena open) for as long as this tensor or any view of it
     * is used; {@code memoryOwner} is kept reachable by this handle.
     */
    public static Tensor fromMemory(MemorySegment memory, DType dtype, Object memoryOwner, long... shape) {
        long n = numel(shape);
        if (n * dtype.byteSize() != memory.byteSize()) {
            throw new IllegalArgumentException(memory.byteSize() + " bytes do not hold " + Arrays.toString(shape) + " " + dtype);
        }
        long address = memory.address();
        return adopt(() -> {
            Pointer p = new AddressPointer(address, memory.byteSize());
            return torch.from_blob(p, shape, TorchTypes.options(dtype, Device.CPU));
        }, memoryOwner);
    }

    /** A non-owning JavaCPP pointer at a raw address. */
    private static final class AddressPointer extends Pointer {
        AddressPointer(long address, long bytes) {
            this.address = address;
            this.limit = bytes;
            this.capacity = bytes;
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    private static void checkCount(int count, long[] shape) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + Arrays.toString(shape));
        }
    }

    // ---- properties -------------------------------------------------------------------------

    public long[] shape() {
        if (shape == null) {
            shape = scoped(() -> {
                var sizes = raw().sizes();
                long[] s = new long[(int) raw().dim()];
                for (int i = 0; i < s.length; i++) s[i] = sizes.at(i);
                return s;
            });
        }
        return shape.clone();
    }

    /** The size of dimension {@code dim}; negative counts from the end. */
    public long size(int dim) {
        long[] s = shape();
        return s[dim < 0 ? s.length + dim : dim];
    }

    public int dim() {
        return (int) raw().dim();
    }

    public long numel() {
        return raw().numel();
    }

    public DType dtype() {
        return TorchTypes.dtype(raw().scalar_type());
    }

    public Device device() {
        return scoped(() -> TorchTypes.device(raw().device()));
    }

    public long nbytes() {
        return raw().nbytes();
    }

    public boolean isContiguous() {
        return raw().is_contiguous();
    }

    /** Address of the first element (for checks that two tensors share memory). */
    public long dataAddress() {
        return scoped(() -> raw().data_ptr().address());
    }

    /**
     * The bytes of this contiguous CPU tensor as a memory segment (no copy). Valid while this tensor
     * is open.
     */
    public MemorySegment dataSegment() {
        if (!isContiguous()) throw new IllegalStateException("dataSegment() needs a contiguous tensor");
        if (device().isCuda()) throw new IllegalStateException("dataSegment() needs a CPU tensor");
        return MemorySegment.ofAddress(dataAddress()).reinterpret(nbytes());
    }

    @Override
    public String toString() {
        if (isClosed()) return "Tensor(closed)";
        return "Tensor(" + Arrays.toString(shape()) + ", " + dtype() + ", " + device() + ")";
    }

    // ---- moves and copies -------------------------------------------------------------------

    public Tensor to(DType dtype) {
        return call(() -> raw().to(TorchTypes.scalarType(dtype)));
    }

    public Tensor to(Device device) {
        return call(() -> raw().to(TorchTypes.device(device), raw().scalar_type()));
    }

    public Tensor to(Device device, DType dtype) {
        return call(() -> raw().to(TorchTypes.device(device), TorchTypes.scalarType(dtype)));
    }

    public Tensor contiguous() {
        return call(() -> raw().contiguous());
    }

    public Tensor clone() {
        return call(() -> raw().clone());
    }

    /** Copies {@code src} into this tensor (broadcasting, converting dtype/device). */
    public Tensor copy_(Tensor src) {
        scoped(() -> raw().copy_(src.raw()));
        return this;
    }

    public Tensor fill_(double value) {
        scoped(() -> raw().fill_(new Scalar(value)));
        return this;
    }

    /** All elements as float32, row-major. */
    public float[] toFloatArray() {
        try (Tensor c = to(Device.CPU, DType.F32).contiguous()) {
            float[] out = new float[Math.toIntExact(c.numel())];
            MemorySegment.copy(c.dataSegment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, out, 0, out.length);
            return out;
        }
    }

    /** All elements as int64, row-major. */
    public long[] toLongArray() {
        try (Tensor c = to(Device.CPU, DType.I64).contiguous()) {
            long[] out = new long[Math.toIntExact(c.numel())];
            MemorySegment.copy(c.dataSegment(), ValueLayout.JAVA_LONG_UNALIGNED, 0, out, 0, out.length);
            return out;
        }
    }

    /** The raw little-endian bytes of the elements in this tensor's dtype, row-major. */
    public byte[] toByteArray() {
        try (Tensor c = to(Device.CPU).contiguous()) {
            return c.dataSegment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The value of a one-element tensor. */
    public double item() {
        return scoped(() -> raw().item_double());
    }

    // ---- arithmetic -------------------------------------------------------------------------

    public Tensor add(Tensor o) { return call(() -> raw().add(o.raw())); }
    public Tensor add(double v) { return call(() -> raw().add(new Scalar(v))); }
    public Tensor sub(Tensor o) { return call(() -> raw().sub(o.raw())); }
    public Tensor sub(double v) { return call(() -> raw().sub(new Scalar(v))); }
    public Tensor mul(Tensor o) { return call(() -> raw().mul(o.raw())); }
    public Tensor mul(double v) { return call(() -> raw().mul(new Scalar(v))); }
    public Tensor div(Tensor o) { return call(() -> raw().div(o.raw())); }
    public Tensor div(double v) { return call(() -> raw().div(new Scalar(v))); }
    /** {@code v - this}. */
    public Tensor rsub(double v) { return call(() -> torch.rsub(raw(), new Scalar(v), new Scalar(1))); }
    public Tensor neg() { return call(() -> raw().neg()); }
    public Tensor pow(double e) { return call(() -> raw().pow(new Scalar(e))); }
    public Tensor pow(Tensor e) { return call(() -> raw().pow(e.raw())); }
    public Tensor sqrt() { return call(() -> raw().sqrt()); }
    public Tensor rsqrt() { return call(() -> raw().rsqrt()); }
    public Tensor exp() { return call(() -> raw().exp()); }
    public Tensor log() { return call(() -> raw().log()); }
    public Tensor abs() { return call(() -> raw().abs()); }
    public Tensor sin() { return call(() -> raw().sin()); }
    public Tensor cos() { return call(() -> raw().cos()); }
    public Tensor tanh() { return call(() -> raw().tanh()); }
    public Tensor sigmoid() { return call(() -> raw().sigmoid()); }
    public Tensor relu() { return call(() -> raw().relu()); }
    public Tensor erf() { return call(() -> raw().erf()); }
    public Tensor floor() { return call(() -> raw().floor()); }
    public Tensor round() { return call(() -> raw().round()); }
    public Tensor maximum(Tensor o) { return call(() -> raw().maximum(o.raw())); }
    public Tensor minimum(Tensor o) { return call(() -> raw().minimum(o.raw())); }
    /** {@code this + w * (end - this)}. */
    public Tensor lerp(Tensor end, double w) { return call(() -> torch.lerp(raw(), end.raw(), new Scalar(w))); }
    public Tensor nanToNum(double nan, double posInf, double negInf) {
        return call(() -> torch.nan_to_num(raw(), new org.bytedeco.pytorch.DoubleOptional(nan),
                new org.bytedeco.pytorch.DoubleOptional(posInf), new org.bytedeco.pytorch.DoubleOptional(negInf)));
    }

    public Tensor clamp(double min, double max) {
        return call(() -> torch.clamp(raw(), new ScalarOptional(new Scalar(min)), new ScalarOptional(new Scalar(max))));
    }
    public Tensor clampMin(double min) { return call(() -> raw().clamp_min(new Scalar(min))); }
    public Tensor clampMax(double max) { return call(() -> raw().clamp_max(new Scalar(max))); }

    /** In-place {@code this += o}. */
    public Tensor add_(Tensor o) { scoped(() -> raw().add_(o.raw())); return this; }
    /** In-place {@code this *= v}. */
    public Tensor mul_(double v) { scoped(() -> raw().mul_(new Scalar(v))); return this; }

    // ---- comparisons ------------------------------------------------------------------------

    public Tensor gt(double v) { return call(() -> raw().gt(new Scalar(v))); }
    public Tensor gt(Tensor o) { return call(() -> raw().gt(o.raw())); }
    public Tensor lt(double v) { return call(() -> raw().lt(new Scalar(v))); }
    public Tensor lt(Tensor o) { return call(() -> raw().lt(o.raw())); }
    public Tensor ge(double v) { return call(() -> raw().ge(new Scalar(v))); }
    public Tensor le(double v) { return call(() -> raw().le(new Scalar(v))); }
    public Tensor eq(double v) { return call(() -> raw().eq(new Scalar(v))); }
    public Tensor eq(Tensor o) { return call(() -> raw().eq(o.raw())); }
    public Tensor ne(double v) { return call(() -> raw().ne(new Scalar(v))); }
    public Tensor logicalNot() { return call(() -> torch.logical_not(raw())); }
    public Tensor isnan() { return call(() -> torch.isnan(raw())); }

    /** {@code torch.where(cond, a, b)}. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return call(() -> torch.where(cond.raw(), a.raw(), b.raw()));
    }

    public static Tensor where(Tensor cond, double a, Tensor b) {
        return call(() -> torch.where(cond.raw(), new Scalar(a), b.raw()));
    }

    public Tensor maskedFill(Tensor mask, double value) {
        return call(() -> raw().masked_fill(mask.raw(), new Scalar(value)));
    }

    // ---- reductions -------------------------------------------------------------------------

    public Tensor sum() { return call(() -> raw().sum()); }
    public Tensor sum(long[] dims, boolean keepDim) { return call(() -> raw().sum(dims, keepDim, new ScalarTypeOptional())); }
    public Tensor mean() { return call(() -> raw().mean()); }
    public Tensor mean(long[] dims, boolean keepDim) { return call(() -> raw().mean(dims, keepDim, new ScalarTypeOptional())); }
    /** Standard deviation over all elements; {@code unbiased=false} divides by n. */
    public Tensor std(boolean unbiased) { return call(() -> raw().std(unbiased)); }
    public Tensor std(long[] dims, boolean unbiased, boolean keepDim) { return call(() -> raw().std(dims, unbiased, keepDim)); }
    public Tensor var(long[] dims, boolean unbiased, boolean keepDim) { return call(() -> raw().var(dims, unbiased, keepDim)); }
    public Tensor amax() { return call(() -> raw().amax()); }
    public Tensor amax(long[] dims, boolean keepDim) { return call(() -> raw().amax(dims, keepDim)); }
    public Tensor amin() { return call(() -> raw().amin()); }
    public Tensor amin(long[] dims, boolean keepDim) { return call(() -> raw().amin(dims, keepDim)); }
    public Tensor argmax(long dim, boolean keepDim) { return call(() -> raw().argmax(new LongOptional(dim), keepDim)); }
    /** {@code this.max(dim)}: the values and their indices (int64), {@code dim} dropped. */
    public List<Tensor> maxWithIndices(long dim) {
        return callAll(() -> {
            var t = raw().max(dim, false);
            return new org.bytedeco.pytorch.Tensor[] {t.get0(), t.get1()};
        });
    }
    /** {@code this.argsort(dim, descending)} (torch's default, not stable). */
    public Tensor argsort(long dim, boolean descending) { return call(() -> raw().argsort(dim, descending)); }
    /** {@code this.norm(dim=dim, keepdim=keepDim)}: the 2-norm over {@code dim} ({@code torch.linalg.vector_norm}). */
    public Tensor norm(long dim, boolean keepDim) {
        return call(() -> torch.linalg_vector_norm(raw(), new Scalar(2.0), new long[] {dim}, keepDim, new ScalarTypeOptional()));
    }
    public Tensor cumsum(long dim) { return call(() -> raw().cumsum(dim)); }

    // ---- shape ------------------------------------------------------------------------------

    public Tensor reshape(long... shape) { return call(() -> raw().reshape(shape)); }
    public Tensor view(long... shape) { return call(() -> raw().view(shape)); }
    public Tensor permute(long... dims) { return call(() -> raw().permute(dims)); }
    public Tensor transpose(long a, long b) { return call(() -> raw().transpose(a, b)); }
    public Tensor unsqueeze(long dim) { return call(() -> raw().unsqueeze(dim)); }
    public Tensor squeeze(long dim) { return call(() -> raw().squeeze(dim)); }
    public Tensor flatten(long start, long end) { return call(() -> raw().flatten(start, end)); }
    public Tensor expand(long... shape) { return call(() -> raw().expand(shape)); }
    public Tensor repeat(long... times) { return call(() -> raw().repeat(times)); }
    /** {@code this.narrow(dim, start, length)}: a view. */
    public Tensor narrow(long dim, long start, long length) { return call(() -> raw().narrow(dim, start, length)); }
    /** {@code this[..., start:end:step, ...]} on {@code dim}: a view. */
    public Tensor slice(long dim, long start, long end, long step) {
        return call(() -> raw().slice(dim, new LongOptional(start), new LongOptional(end), step));
    }
    /** {@code this.select(dim, index)}: drops {@code dim}. */
    public Tensor select(long dim, long index) { return call(() -> raw().select(dim, index)); }
    /** Rows of {@code dim} picked by an int64 index tensor. */
    public Tensor indexSelect(long dim, Tensor index) { return call(() -> raw().index_select(dim, index.raw())); }
    public Tensor gather(long dim, Tensor index) { return call(() -> torch.gather(raw(), dim, index.raw())); }
    /** In-place {@code this.scatter_(dim, index, src)}. */
    public Tensor scatter_(long dim, Tensor index, Tensor src) { scoped(() -> raw().scatter_(dim, index.raw(), src.raw())); return this; }
    /** {@code this.scatter_reduce(dim, index, src, reduce)} (include_self): reduce is "sum", "prod", "mean", "amax" or "amin". */
    public Tensor scatterReduce(long dim, Tensor index, Tensor src, String reduce) {
        return call(() -> raw().scatter_reduce(dim, index.raw(), src.raw(), reduce));
    }
    public Tensor flip(long... dims) { return call(() -> torch.flip(raw(), dims)); }
    /** {@code torch.rot90(this, k, dims)}. */
    public Tensor rot90(long k, long dimA, long dimB) { return call(() -> torch.rot90(raw(), k, dimA, dimB)); }
    public Tensor roll(long shift, long dim) { return call(() -> torch.roll(raw(), new long[]{shift}, dim)); }

    /** {@code torch.as_strided(this, size, stride, offset)}: a view into this tensor's storage. */
    public Tensor asStrided(long[] size, long[] stride, long storageOffset) {
        return call(() -> torch.as_strided(raw(), size, stride, new LongOptional(storageOffset)));
    }

    public List<Tensor> chunk(long chunks, long dim) { return callList(() -> raw().chunk(chunks, dim)); }
    public List<Tensor> split(long[] sizes, long dim) { return callList(() -> raw().split_with_sizes(sizes, dim)); }

    public static Tensor cat(List<Tensor> tensors, long dim) {
        return call(() -> torch.cat(vector(tensors), dim));
    }

    public static Tensor stack(List<Tensor> tensors, long dim) {
        return call(() -> torch.stack(new TensorArrayRef(vector(tensors)), dim));
    }

    // ---- in-place ops and memory layout for model code (VAE) ---------------------------------

    /** In-place SiLU ({@code F.silu(x, inplace=True)}). */
    public Tensor silu_() { scoped(() -> torch.silu_(raw())); return this; }
    /** In-place {@code this += alpha * o}. */
    public Tensor add_(Tensor o, double alpha) { scoped(() -> raw().add_(o.raw(), new Scalar(alpha))); return this; }
    /** In-place {@code this += v}. */
    public Tensor add_(double v) { scoped(() -> raw().add_(new Scalar(v))); return this; }
    /** In-place {@code this *= o} (broadcasting {@code o}). */
    public Tensor mul_(Tensor o) { scoped(() -> raw().mul_(o.raw())); return this; }
    /** In-place {@code this /= o} (broadcasting {@code o}). */
    public Tensor div_(Tensor o) { scoped(() -> raw().div_(o.raw())); return this; }
    /** In-place {@code this /= v}. */
    public Tensor div_(double v) { scoped(() -> raw().div_(new Scalar(v))); return this; }
    /** In-place {@code torch.clamp_(this, min, max)}. */
    public Tensor clamp_(double min, double max) {
        scoped(() -> raw().clamp_(new ScalarOptional(new Scalar(min)), new ScalarOptional(new Scalar(max))));
        return this;
    }

    /**
     * This 4-D tensor in channels-last (NHWC) memory order, same shape and values: oneDNN's
     * convolutions run fastest on it. Returns a new handle on the same memory when it already is.
     */
    public Tensor contiguousChannelsLast() {
        return call(() -> raw().contiguous(torch.MemoryFormat.ChannelsLast));
    }

    /** Whether this 4-D tensor is laid out channels-last. */
    public boolean isChannelsLast() {
        return raw().is_contiguous(torch.MemoryFormat.ChannelsLast);
    }

    static TensorVector vector(List<Tensor> tensors) {
        org.bytedeco.pytorch.Tensor[] raws = new org.bytedeco.pytorch.Tensor[tensors.size()];
        for (int i = 0; i < raws.length; i++) raws[i] = tensors.get(i).raw();
        return new TensorVector(raws);
    }
}
