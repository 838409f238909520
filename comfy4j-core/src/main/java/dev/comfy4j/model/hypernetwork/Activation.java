package dev.comfy4j.model.hypernetwork;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.Locale;
import java.util.Optional;

/**
 * The activation functions of a hypernetwork, under the names its {@code activation_func} gives and with
 * the modules ComfyUI builds for them: {@code swish} is {@code torch.nn.Hardswish} there, so here too.
 */
public enum Activation {
    LINEAR, RELU, LEAKYRELU, ELU, SWISH, TANH, SIGMOID, SOFTSIGN, MISH;

    /** The activation named {@code name} as the file spells it; empty when ComfyUI does not know it. */
    public static Optional<Activation> named(String name) {
        for (Activation a : values()) if (a.name().toLowerCase(Locale.ROOT).equals(name)) return Optional.of(a);
        return Optional.empty();
    }

    Tensor apply(Tensor x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> x.relu();
            case LEAKYRELU -> Functional.leakyRelu(x);
            case ELU -> Functional.elu(x);
            case SWISH -> Functional.hardswish(x);
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case SOFTSIGN -> x.div(x.abs().add(1.0));
            case MISH -> Functional.mish(x);
        };
    }
}
