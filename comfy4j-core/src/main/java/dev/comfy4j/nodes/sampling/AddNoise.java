package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * AddNoise: the latent (in model space when non-zero) plus the NOISE times |sigma_first - sigma_last|
 * (the only sigma when there is one), back in VAE space, NaN and infinities set to 0.
 */
public final class AddNoise implements Node {
    private final SamplingModels models;

    public AddNoise(SamplingModels models) {
        this.models = models;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("AddNoise", "comfy_extras.nodes_custom_sampler")
                .category("_for_testing/custom_sampling/noise")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("noise", "NOISE").noOptions())
                .input(Input.of("sigmas", "SIGMAS").noOptions())
                .input(Input.of("latent_image", "LATENT").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        Latent latent = Latent.from(in.get("latent_image"), "latent_image");
        float[] sigmas = Sigmas.from(in.get("sigmas"), "sigmas").values();
        NoiseSource noise = NoiseSource.from(in.get("noise"), "noise");
        if (sigmas.length == 0) return NodeResult.of(latent);
        double scale = sigmas.length > 1 ? Math.abs((double) sigmas[0] - sigmas[sigmas.length - 1]) : sigmas[0];
        double factor;
        try (GuidedModel model = models.open(in.get("model"))) {
            factor = model.latentScaleFactor();
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor samples = latent.samples().to(DType.F32);
            boolean empty = samples.abs().amax().item() == 0;
            Tensor modelSpace = empty ? samples : samples.mul(factor);
            Tensor noisy = noise.generate(latent).mul((float) scale).add(modelSpace).div(factor).nanToNum(0, 0, 0);
            return NodeResult.of(latent.withSamples(scope.keep(noisy).escapeScope()));
        }
    }
}
