package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * ControlNetApplyAdvanced ("Apply ControlNet"): every entry of both sides gets the ControlNet with the hint,
 * strength and percent range, chained after the entry's previous one ({@code control}), and
 * {@code control_apply_to_uncond} False. Entries with the same previous ControlNet (none included) share one
 * application, so the sampler runs positive and negative together. Strength 0 returns both unchanged. The
 * {@code vae} input is for ControlNets that take latents (SD3/Flux); SD1.x/SD2.x ControlNets ignore it, as
 * ComfyUI's do.
 */
public final class ControlNetApplyAdvanced implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ControlNetApplyAdvanced", "nodes")
                .displayName("Apply ControlNet")
                .category("conditioning/controlnet")
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("control_net", "CONTROL_NET").noOptions())
                .input(Input.of("image", "IMAGE").noOptions())
                .input(ControlNetInputs.strength())
                .input(ControlNetInputs.startPercent())
                .input(ControlNetInputs.endPercent())
                .input(Input.of("vae", "VAE").noOptions().optional())
                .output(Output.of("CONDITIONING").named("positive"))
                .output(Output.of("CONDITIONING").named("negative"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning positive = Conditioning.from(in.get("positive"), "positive");
        Conditioning negative = Conditioning.from(in.get("negative"), "negative");
        double strength = FiniteFloats.of(in, "strength");
        if (strength == 0) return NodeResult.of(positive, negative);
        ControlNetHandle net = ControlNetInputs.controlNet(in);
        Tensor image = ControlNetInputs.image(in);
        Conditioning[] out = apply(positive, negative, net, image, strength, in.floating("start_percent"), in.floating("end_percent"));
        return NodeResult.of(out[0], out[1]);
    }

    /** {@code apply_controlnet}: both sides, one application per previous ControlNet (the {@code cnets} dict). */
    static Conditioning[] apply(Conditioning positive, Conditioning negative, ControlNetHandle net, Tensor image, double strength,
            double start, double end) {
        Map<Object, ControlNetApplication> byPrevious = new IdentityHashMap<>();
        ControlNetApplication[] none = new ControlNetApplication[1];
        Conditioning[] out = new Conditioning[2];
        List<Conditioning> sides = List.of(positive, negative);
        for (int s = 0; s < 2; s++) {
            List<Conditioning.Entry> entries = new ArrayList<>();
            for (Conditioning.Entry e : sides.get(s).entries()) {
                ControlSpec prev = ControlNetInputs.previous(e.get(Conditioning.CONTROL));
                ControlNetApplication c = prev == null ? none[0] : byPrevious.get(prev);
                if (c == null) {
                    c = new ControlNetApplication(net, image, strength, start, end, prev);
                    if (prev == null) none[0] = c;
                    else byPrevious.put(prev, c);
                }
                entries.add(e.withValues(Map.of(Conditioning.CONTROL, c)).with(Conditioning.CONTROL_APPLY_TO_UNCOND, false));
            }
            out[s] = new Conditioning(entries);
        }
        return out;
    }
}
