package dev.comfy4j.sampling.schedulers;

/**
 * The quantile function (inverse CDF) of the Beta distribution, as scipy's {@code beta.ppf}: the
 * regularized incomplete beta function by its continued fraction, inverted by bisection to double
 * precision. The beta scheduler only needs it to round {@code ppf * 999}, far above this error.
 */
final class BetaDistribution {
    private BetaDistribution() {}

    static double quantile(double p, double a, double b) {
        if (p <= 0) return 0;
        if (p >= 1) return 1;
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-17; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) break;
            if (regularizedIncompleteBeta(mid, a, b) < p) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /** I_x(a, b). */
    static double regularizedIncompleteBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        if (x < (a + 1) / (a + b + 2)) return Math.exp(logFront) * continuedFraction(x, a, b) / a;
        return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
    }

    /** Lentz's evaluation of the incomplete beta continued fraction. */
    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return h;
    }

    private static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    /** Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 for positive arguments. */
    static double logGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        final double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        double y = x - 1;
        double sum = c[0];
        for (int i = 1; i < c.length; i++) sum += c[i] / (y + i);
        double t = y + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
