package dev.comfy4j.sampling.samplers;

/** Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on the Legendre polynomial. */
final class GaussLegendre {
    private GaussLegendre() {}

    /** {nodes, weights} of the n-point rule (exact for polynomials of degree 2n - 1). */
    static double[][] rule(int n) {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iter = 0; iter < 100; iter++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 0 ? 1 : p1;
                double pnm1 = p0;
                derivative = n * (z * pn - pnm1) / (z * z - 1);
                double dz = pn / derivative;
                z -= dz;
                if (Math.abs(dz) < 1e-16) break;
            }
            x[i] = z;
            w[i] = 2 / ((1 - z * z) * derivative * derivative);
        }
        return new double[][]{x, w};
    }
}
