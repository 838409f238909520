package dev.comfy4j.sampling;

/**
 * k-diffusion's {@code get_ancestral_step}: split the move from sigmaFrom to sigmaTo into a
 * deterministic part down to {@code down} and fresh noise of level {@code up}.
 */
public record AncestralStep(double down, double up) {
    public static AncestralStep of(double sigmaFrom, double sigmaTo, double eta) {
        if (eta == 0) return new AncestralStep(sigmaTo, 0);
        double up = Math.min(sigmaTo,
                eta * Math.sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom)));
        double down = Math.sqrt(sigmaTo * sigmaTo - up * up);
        return new AncestralStep(down, up);
    }
}
