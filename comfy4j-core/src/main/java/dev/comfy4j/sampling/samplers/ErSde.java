package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code er_sde}: the extended reverse-time SDE solver (VP ER-SDE-Solver-3, arXiv 2309.06169). With
 * lambda_er = sigma / alpha (= sigma for eps/v models) and the noise scaler s(x) = x (e^(x^0.3) + 10):
 * x = (s(l_t) / s(l_s)) x + (1 - r) D, then stages 2 and 3 add 200-point numerical integrals times the
 * first and second finite differences of D, and step noise sqrt(l_t^2 - l_s^2 r^2). The last step
 * returns D. {@code SamplerER_SDE} changes the scaler and the noise (reverse-time SDE, ODE).
 */
public final class ErSde extends StepLoop {
    private static final int POINTS = 200;

    private final double sNoise;
    private final int maxStage;
    private final DoubleUnaryOperator noiseScaler;

    public ErSde() {
        this(1.0, 3, ErSde::defaultScaler);
    }

    public ErSde(double sNoise, int maxStage, DoubleUnaryOperator noiseScaler) {
        this.sNoise = sNoise;
        this.maxStage = maxStage;
        this.noiseScaler = noiseScaler;
    }

    /** ER-SDE's default noise scaler x (e^(x^0.3) + 10). */
    public static double defaultScaler(double x) {
        return x * (Math.exp(Math.pow(x, 0.3)) + 10.0);
    }

    @Override
    public String name() {
        return "er_sde";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        int i = s.index();
        float[] sigmas = s.sigmas();
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        int stage = Math.min(maxStage, i + 1);
        Tensor out;
        if (s.next() == 0) {
            out = denoised;
        } else {
            double ls = s.sigma();
            double lt = s.next();
            double r = noiseScaler.applyAsDouble(lt) / noiseScaler.applyAsDouble(ls);
            out = x.mul(r).add(denoised.mul(1 - r));
            if (stage >= 2) {
                double dt = lt - ls;
                double stepSize = -dt / POINTS;
                double sum1 = 0;
                double sumU = 0;
                for (int k = 0; k < POINTS; k++) {
                    double pos = lt + k * stepSize;
                    double scaled = noiseScaler.applyAsDouble(pos);
                    sum1 += 1 / scaled;
                    sumU += (pos - ls) / scaled;
                }
                double integral = sum1 * stepSize;
                double scaledT = noiseScaler.applyAsDouble(lt);
                Tensor dd = denoised.sub(s.carry().get("denoised")).div(ls - sigmas[i - 1]);
                out = out.add(dd.mul(dt + integral * scaledT));
                if (stage >= 3) {
                    double integralU = sumU * stepSize;
                    Tensor du = dd.sub(s.carry().get("denoised_d")).div((ls - sigmas[i - 2]) / 2);
                    out = out.add(du.mul(dt * dt / 2 + integralU * scaledT));
                }
                s.carry().put("denoised_d", dd);
            }
            if (sNoise > 0) {
                double level = Math.sqrt(lt * lt - ls * ls * r * r);
                if (Double.isNaN(level)) level = 0;
                out = out.add(s.noise(s.sigma(), s.next()).mul(sNoise * level));
            }
        }
        if (s.next() != 0) s.carry().put("denoised", denoised); // the last step returns it, so it is not carried
        return out;
    }
}
