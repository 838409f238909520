package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.schedulers.BetaScheduler;

/** BetaSamplingScheduler: the beta schedule of the MODEL with the given alpha and beta. */
public final class BetaSamplingScheduler implements Node {
    private final SamplingModels models;

    public BetaSamplingScheduler(SamplingModels models) {
        this.models = models;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("BetaSamplingScheduler", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/schedulers")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("steps", "INT").defaultValue(20).min(1).max(10000))
                .input(Input.of("alpha", "FLOAT").defaultValue(0.6).min(0.0).max(50.0).step(0.01).round(false))
                .input(Input.of("beta", "FLOAT").defaultValue(0.6).min(0.0).max(50.0).step(0.01).round(false))
                .output(Output.of("SIGMAS"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        return NodeResult.of(new Sigmas(new BetaScheduler(in.floating("alpha"), in.floating("beta"))
                .sigmas(models.modelSampling(in.get("model")), (int) in.integer("steps"))));
    }
}
