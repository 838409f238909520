package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.Schedulers;
import java.util.Arrays;

/**
 * BasicScheduler: a KSampler schedule of the MODEL; denoise &lt; 1 computes int(steps / denoise) steps
 * and keeps the last steps + 1 sigmas (no penultimate-sigma discard); denoise 0 gives no sigmas.
 */
public final class BasicScheduler implements Node {
    private final SamplingModels models;

    public BasicScheduler(SamplingModels models) {
        this.models = models;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("BasicScheduler", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/schedulers")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.combo("scheduler", Schedulers.names().toArray()).noOptions())
                .input(Input.of("steps", "INT").defaultValue(20).min(1).max(10000))
                .input(Input.of("denoise", "FLOAT").defaultValue(1.0).min(0.0).max(1.0).step(0.01))
                .output(Output.of("SIGMAS"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        int steps = (int) in.integer("steps");
        double denoise = in.floating("denoise");
        int total = steps;
        if (denoise < 1.0) {
            if (denoise <= 0.0) return NodeResult.of(new Sigmas(new float[0]));
            total = (int) (steps / denoise);
        }
        float[] s = Schedulers.byName(in.string("scheduler")).sigmas(models.modelSampling(in.get("model")), total);
        int keep = Math.min(steps + 1, s.length);
        return NodeResult.of(new Sigmas(Arrays.copyOfRange(s, s.length - keep, s.length)));
    }
}
