package dev.comfy4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns every tensor created on this thread while it is open, and frees them when it closes. Open one
 * per node execution or per sampler step:
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor h = Functional.silu(Functional.conv2d(x, w, b, 1, 1));   // temporaries
 *     return scope.keep(h.add(x));                                 // survives the scope
 * }
 * }</pre>
 *
 * <p>Scopes nest; {@link #keep} hands a tensor to the enclosing scope, or to the caller when there is
 * none (who then closes it). A tensor created outside any scope belongs to its creator. Not
 * thread-safe: a scope belongs to the thread that opened it and must be closed on that thread, inner
 * scopes first.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> owned = new ArrayList<>();
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private TensorScope() {}

    public static TensorScope open() {
        TensorScope scope = new TensorScope();
        STACK.get().push(scope);
        return scope;
    }

    /** The innermost open scope of this thread, or null. */
    static TensorScope current() {
        return STACK.get().peek();
    }

    void register(Tensor t) {
        owned.add(t);
    }

    /**
     * Takes {@code t} out of this scope so that closing it does not free {@code t}: the enclosing scope
     * owns it next, or the caller if there is none.
     */
    public Tensor keep(Tensor t) {
        if (t.owner() == this) {
            TensorScope parent = parentOf(this);
            t.owner(parent);
            if (parent != null) parent.register(t);
        }
        return t;
    }

    /** {@link #keep} for several tensors. */
    public void keepAll(Iterable<Tensor> tensors) {
        for (Tensor t : tensors) keep(t);
    }

    /** How many live tensors this scope owns now. */
    public int size() {
        int n = 0;
        for (Tensor t : owned) if (t.owner() == this && !t.isClosed()) n++;
        return n;
    }

    private static TensorScope parentOf(TensorScope scope) {
        boolean seen = false;
        for (TensorScope s : STACK.get()) {
            if (seen) return s;
            if (s == scope) seen = true;
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
        }
        closed = true;
        STACK.get().remove(this);
        for (int i = owned.size() - 1; i >= 0; i--) {
            Tensor t = owned.get(i);
            if (t.owner() == this) t.close();
        }
        owned.clear();
    }
}
