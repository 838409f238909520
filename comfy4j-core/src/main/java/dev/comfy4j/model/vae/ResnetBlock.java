package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code ResnetBlock} without the timestep embedding (the VAE has none):
 * {@code x' + conv2(silu(norm2(conv1(silu(norm1(x))))))}, with {@code x'} = {@code nin_shortcut(x)}
 * (a 1x1 conv) when the channel count changes, else {@code x}. Dropout is 0 at inference.
 */
final class ResnetBlock {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d ninShortcut;

    ResnetBlock(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d ninShortcut) {
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.norm2 = norm2;
        this.conv2 = conv2;
        this.ninShortcut = ninShortcut;
    }

    /** The block's output; {@code x} stays open (the caller closes it). Each temporary is freed as soon as it is used. */
    Tensor forward(Tensor x) {
        Tensor h = norm1.forwardSilu(x);
        Tensor h1 = conv1.forward(h);
        h.close();
        h = norm2.forwardSilu(h1);
        h1.close();
        Tensor out = conv2.forward(h);
        h.close();
        if (ninShortcut == null) {
            out.add_(x);
        } else {
            Tensor shortcut = ninShortcut.forward(x);
            out.add_(shortcut);
            shortcut.close();
        }
        return out;
    }
}
