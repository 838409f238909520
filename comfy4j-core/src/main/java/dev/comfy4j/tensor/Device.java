package dev.comfy4j.tensor;

/**
 * Where a tensor lives.
 *
 * @param kind CPU or CUDA
 * @param index the CUDA device number; 0 for the CPU
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0");
        if (kind == Kind.CPU && index != 0) throw new IllegalArgumentException("the CPU has no index");
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    /** torch's spelling: {@code cpu}, {@code cuda:0}. */
    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
