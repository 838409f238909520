package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * The rotations OFT and BOFT store as {@code oft_blocks}: each block {@code B} gives the skew-symmetric
 * {@code Q = B - B^T}, scaled down to norm {@code alpha} when the norm of all of them together exceeds
 * it (alpha at most 0: no constraint), and the orthogonal Cayley transform {@code R = (I + Q)(I - Q)^-1}.
 */
final class OrthogonalBlocks {
    private OrthogonalBlocks() {}

    /** The rotations of {@code blocks} [..., b, b], float32. */
    static Tensor rotations(Tensor blocks, double alpha) {
        Tensor b = Deltas.f32(blocks);
        int last = b.dim() - 1;
        Tensor q = b.sub(b.transpose(last - 1, last));
        if (alpha > 0) {
            double norm = q.pow(2).sum().sqrt().item() + 1e-8;
            if (norm > alpha) q = q.mul(alpha / norm);
        }
        Tensor eye = identity(b.size(last));
        return Functional.matmul(eye.add(q), Functional.inverse(eye.sub(q)));
    }

    static Tensor identity(long n) {
        float[] v = new float[(int) (n * n)];
        for (int i = 0; i < n; i++) v[(int) (i * n + i)] = 1f;
        return Tensor.fromFloats(v, n, n);
    }
}
