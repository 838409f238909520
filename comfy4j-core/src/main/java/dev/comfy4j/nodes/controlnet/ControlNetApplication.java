package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.Tensor;
import java.util.function.Consumer;

/**
 * A ControlNet applied to conditioning entries: ComfyUI's {@code control_net.copy().set_cond_hint(hint, strength,
 * (start_percent, end_percent))} with {@code set_previous_controlnet(previous)}. Compared by identity, as the
 * sampler batches entries that share one. Holds the hint IMAGE (owned by the node that made it, counted here so
 * the output caches keep it while this value lives).
 */
public final class ControlNetApplication implements ControlSpec, HoldsTensors {
    private final ControlNetHandle controlNet;
    private final Tensor image;
    private final double strength;
    private final double startPercent;
    private final double endPercent;
    private final ControlSpec previous;

    public ControlNetApplication(ControlNetHandle controlNet, Tensor image, double strength, double startPercent,
            double endPercent, ControlSpec previous) {
        this.controlNet = controlNet;
        this.image = image;
        this.strength = strength;
        this.startPercent = startPercent;
        this.endPercent = endPercent;
        this.previous = previous;
    }

    @Override
    public ControlNetHandle controlNet() {
        return controlNet;
    }

    @Override
    public Tensor image() {
        return image;
    }

    @Override
    public double strength() {
        return strength;
    }

    @Override
    public double startPercent() {
        return startPercent;
    }

    @Override
    public double endPercent() {
        return endPercent;
    }

    @Override
    public ControlSpec previous() {
        return previous;
    }

    @Override
    public void forEachTensor(Consumer<Tensor> action) {
        action.accept(image);
        HoldsTensors.forEach(previous, action);
    }

    @Override
    public String toString() {
        return "ControlNet[" + controlNet.name() + ", strength " + strength + ", " + startPercent + "-" + endPercent
                + (previous == null ? "" : ", after " + previous) + "]";
    }
}
