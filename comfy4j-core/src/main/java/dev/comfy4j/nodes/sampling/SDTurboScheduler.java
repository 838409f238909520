package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.ModelSampling;

/** SDTurboScheduler: timesteps 999, 899, ..., 99 from 10 - int(10 denoise), steps of them, as sigmas, then 0. */
public final class SDTurboScheduler implements Node {
    private final SamplingModels models;

    public SDTurboScheduler(SamplingModels models) {
        this.models = models;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SDTurboScheduler", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/schedulers")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("steps", "INT").defaultValue(1).min(1).max(10))
                .input(Input.of("denoise", "FLOAT").defaultValue(1.0).min(0).max(1.0).step(0.01))
                .output(Output.of("SIGMAS"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelSampling ms = models.modelSampling(in.get("model"));
        int start = 10 - (int) (10 * in.floating("denoise"));
        int steps = (int) in.integer("steps");
        int end = Math.min(10, start + steps); // slicing clamps
        int n = Math.max(0, end - start);
        float[] out = new float[n + 1];
        for (int k = 0; k < n; k++) out[k] = (float) ms.sigma(999 - 100 * (start + k));
        return NodeResult.of(new Sigmas(out));
    }
}
