package dev.comfy4j.sampling.samplers;

/** Test access to the package-private coefficient formulas of the samplers. */
public final class SamplerFormulas {
    private SamplerFormulas() {}

    public static double[] ipndmV(float[] t, int i, int order) {
        return IpndmV.coefficients(t, i, order);
    }

    public static double[] saSolverB(double sigmaNext, double[] lambdas, double lambdaS, double lambdaT, double tau) {
        return SaSolver.bCoefficients(sigmaNext, lambdas, lambdaS, lambdaT, tau, false, false);
    }

    public static double[] deis(float[] sigmas, int i, int order) {
        return Deis.coefficients(sigmas, i, order);
    }
}
