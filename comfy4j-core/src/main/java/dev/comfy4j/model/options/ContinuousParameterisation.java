package dev.comfy4j.model.options;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's continuous {@code model_sampling} objects of the ModelSamplingContinuousEDM and
 * ModelSamplingContinuousV nodes: 1000 sigmas log-spaced from sigma_min to sigma_max
 * ({@code linspace(log(min), log(max), 1000).exp()} in float32) and a continuous timestep:
 * {@code 0.25 log(sigma)} (EDM), {@code atan(sigma) / pi * 2} (V), {@code sigma / (sigma + 1)} (Cosmos RFlow).
 *
 * @param schedule the sigma &lt;-&gt; timestep map
 * @param kind the parameterisation of the model output
 * @param sigmaMinInput the node's sigma_min
 * @param sigmaMaxInput the node's sigma_max
 * @param sigmaData 1, or 0.5 for EDM
 */
public record ContinuousParameterisation(Schedule schedule, Kind kind, double sigmaMinInput, double sigmaMaxInput, double sigmaData)
        implements Parameterisation {
    public enum Schedule { EDM, V, COSMOS_RFLOW }

    public enum Kind { EPS, V_PREDICTION, EDM, COSMOS_RFLOW }

    public ContinuousParameterisation {
        if (!(sigmaMinInput > 0) || !(sigmaMaxInput > 0)) {
            throw new IllegalArgumentException("sigma_min and sigma_max must be greater than 0 (their logarithms space the sigmas), got "
                    + sigmaMinInput + " and " + sigmaMaxInput);
        }
    }

    @Override
    public float[] sigmas() {
        try (TensorScope ignored = TensorScope.open()) {
            return Tensor.linspace(Math.log(sigmaMinInput), Math.log(sigmaMaxInput), 1000, DType.F32).exp().toFloatArray();
        }
    }

    @Override
    public double sigmaMin() {
        return sigmas()[0];
    }

    @Override
    public double sigmaMax() {
        return sigmas()[999];
    }

    @Override
    public double timestep(double sigma) {
        float s = (float) sigma;
        return switch (schedule) {
            case EDM -> 0.25f * (float) Math.log(s);
            case V -> (float) (Math.atan(s) / Math.PI * 2);
            case COSMOS_RFLOW -> s / (s + 1f);
        };
    }

    @Override
    public double sigma(double timestep) {
        float t = (float) timestep;
        return switch (schedule) {
            case EDM -> (float) Math.exp(t / 0.25f);
            case V -> (float) Math.tan(t * Math.PI / 2);
            case COSMOS_RFLOW -> {
                float max = (float) sigmaMax();
                yield t >= max / (max + 1f) ? max : t / (1f - t);
            }
        };
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        double logMin = Math.log(sigmaMin());
        return Math.exp((Math.log(sigmaMax()) - logMin) * (1.0 - percent) + logMin);
    }

    @Override
    public boolean scalesPureNoise() {
        return kind != Kind.COSMOS_RFLOW;
    }

    @Override
    public Tensor timesteps(Tensor sigma) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = sigma.to(DType.F32);
            Tensor t = switch (schedule) {
                case EDM -> s.log().mul(0.25);
                case V -> {
                    float[] v = s.contiguous().toFloatArray();
                    float[] out = new float[v.length];
                    for (int i = 0; i < v.length; i++) out[i] = (float) timestep(v[i]);
                    yield Tensor.fromFloats(out, s.shape());
                }
                case COSMOS_RFLOW -> s.div(s.add(1.0));
            };
            return scope.keep(t);
        }
    }

    @Override
    public Tensor calculateInput(Tensor sigma, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = Parameterisation.perSample(sigma, x);
            if (kind == Kind.COSMOS_RFLOW) {
                Tensor r = s.div(s.add(1.0));
                return scope.keep(x.mul(r.rsub(1.0)));
            }
            return scope.keep(x.div(s.pow(2).add(sigmaData * sigmaData).pow(0.5)));
        }
    }

    @Override
    public Tensor calculateDenoised(Tensor sigma, Tensor out, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = Parameterisation.perSample(sigma, out);
            double sd2 = sigmaData * sigmaData;
            Tensor result = switch (kind) {
                case EPS -> x.sub(out.mul(s));
                case V_PREDICTION -> {
                    Tensor d = s.pow(2).add(sd2);
                    yield x.mul(sd2).div(d).sub(out.mul(s).mul(sigmaData).div(d.pow(0.5)));
                }
                case EDM -> {
                    Tensor d = s.pow(2).add(sd2);
                    yield x.mul(sd2).div(d).add(out.mul(s).mul(sigmaData).div(d.pow(0.5)));
                }
                case COSMOS_RFLOW -> {
                    Tensor r = s.div(s.add(1.0));
                    yield x.mul(r.rsub(1.0)).sub(out.mul(r));
                }
            };
            return scope.keep(result);
        }
    }
}
