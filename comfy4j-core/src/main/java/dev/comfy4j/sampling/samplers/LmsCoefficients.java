package dev.comfy4j.sampling.samplers;

/** The coefficients of the {@code lms} sampler. */
public final class LmsCoefficients {
    private LmsCoefficients() {}

    /** k-diffusion's {@code linear_multistep_coeff(order, t, i, j)}. */
    public static double of(float[] t, int order, int i, int j) {
        int nodes = (order + 2) / 2 + 1; // exact for degree order - 1
        double[][] gauss = GaussLegendre.rule(nodes);
        double a = t[i];
        double b = t[i + 1];
        double half = (b - a) / 2;
        double centre = (a + b) / 2;
        double sum = 0;
        for (int n = 0; n < nodes; n++) {
            double tau = centre + half * gauss[0][n];
            double prod = 1;
            for (int k = 0; k < order; k++) {
                if (k == j) continue;
                prod *= (tau - t[i - k]) / ((double) t[i - j] - t[i - k]);
            }
            sum += gauss[1][n] * prod;
        }
        return sum * half;
    }
}
