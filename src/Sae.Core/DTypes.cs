namespace Sae.Core;

/// <summary>Sizes and names of <see cref="TensorDType"/> values, as the safetensors format spells them.</summary>
internal static class DTypes
{
    private static readonly string[] Names = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"];
    private static readonly int[] Sizes = [4, 2, 2, 8, 8, 4, 2, 1, 8, 4, 2, 1, 1];

    /// <summary>Bytes per element.</summary>
    public static int Size(TensorDType dtype) => Sizes[(int)dtype];

    /// <summary>The format's name, e.g. "BF16".</summary>
    public static string Name(TensorDType dtype) => Names[(int)dtype];

    /// <summary>Every dtype name the reader knows, for error messages.</summary>
    public static string Known => string.Join(", ", Names);

    /// <summary>Parses a format name (case-sensitive, as the format is).</summary>
    public static bool TryParse(string? name, out TensorDType dtype)
    {
        int i = Array.IndexOf(Names, name);
        dtype = (TensorDType)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>True for the types <see cref="FloatDecoder"/> converts to float32.</summary>
    public static bool IsFloat(TensorDType dtype) =>
        dtype is TensorDType.F32 or TensorDType.F16 or TensorDType.BF16 or TensorDType.F64;
}
