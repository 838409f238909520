package dev.comfy4j.tensor;

import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Maps the facade's types to libtorch's. Package-private: callers never see bytedeco types. */
final class TorchTypes {
    private TorchTypes() {}

    static ScalarType scalarType(DType d) {
        return switch (d) {
            case F64 -> ScalarType.Double;
            case F32 -> ScalarType.Float;
            case F16 -> ScalarType.Half;
            case BF16 -> ScalarType.BFloat16;
            case F8_E4M3 -> ScalarType.Float8_e4m3fn;
            case F8_E5M2 -> ScalarType.Float8_e5m2;
            case I64 -> ScalarType.Long;
            case I32 -> ScalarType.Int;
            case I16 -> ScalarType.Short;
            case I8 -> ScalarType.Char;
            case U64 -> ScalarType.UInt64;
            case U32 -> ScalarType.UInt32;
            case U16 -> ScalarType.UInt16;
            case U8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    static DType dtype(ScalarType returned) {
        // JavaCPP may hand back an enum constant whose value field was set from native code; resolve
        // the constant by value so the switch below sees the right one.
        ScalarType s = byValue(returned.value);
        return switch (s) {
            case Double -> DType.F64;
            case Float -> DType.F32;
            case Half -> DType.F16;
            case BFloat16 -> DType.BF16;
            case Float8_e4m3fn -> DType.F8_E4M3;
            case Float8_e5m2 -> DType.F8_E5M2;
            case Long -> DType.I64;
            case Int -> DType.I32;
            case Short -> DType.I16;
            case Char -> DType.I8;
            case UInt64 -> DType.U64;
            case UInt32 -> DType.U32;
            case UInt16 -> DType.U16;
            case Byte -> DType.U8;
            case Bool -> DType.BOOL;
            default -> throw new IllegalStateException("libtorch type " + s + " has no DType");
        };
    }

    private static ScalarType byValue(byte value) {
        for (ScalarType t : ScalarType.values()) if (t.value == value) return t;
        throw new IllegalStateException("unknown libtorch scalar type " + value);
    }

    static org.bytedeco.pytorch.Device device(Device d) {
        return d.isCuda() ? new org.bytedeco.pytorch.Device(torch.DeviceType.CUDA, (byte) d.index())
                : new org.bytedeco.pytorch.Device(torch.DeviceType.CPU);
    }

    static Device device(org.bytedeco.pytorch.Device d) {
        return d.is_cuda() ? Device.cuda(Math.max(0, d.index())) : Device.CPU;
    }

    static TensorOptions options(DType dtype, Device device) {
        return new TensorOptions(scalarType(dtype)).device(new org.bytedeco.pytorch.DeviceOptional(device(device)));
    }
}
