namespace Sae.Core;

/// <summary>
/// Element type of a tensor in a safetensors file, named as the format's <c>dtype</c> strings
/// ("F32", "BF16", …). Every type is known to the reader (for size checks and listing);
/// <see cref="F32"/>, <see cref="F16"/>, <see cref="BF16"/> and <see cref="F64"/> can be read as
/// float32, <see cref="I64"/> and <see cref="I32"/> as int64.
/// </summary>
public enum TensorDType
{
    /// <summary>IEEE 754 binary32 ("F32").</summary>
    F32,

    /// <summary>IEEE 754 binary16 ("F16"); converts to float32 exactly.</summary>
    F16,

    /// <summary>bfloat16 ("BF16"), the high 16 bits of a binary32; converts to float32 exactly.</summary>
    BF16,

    /// <summary>IEEE 754 binary64 ("F64"); rounds to the nearest float32 when read as float32.</summary>
    F64,

    /// <summary>Signed 64-bit integer ("I64").</summary>
    I64,

    /// <summary>Signed 32-bit integer ("I32").</summary>
    I32,

    /// <summary>Signed 16-bit integer ("I16").</summary>
    I16,

    /// <summary>Signed 8-bit integer ("I8").</summary>
    I8,

    /// <summary>Unsigned 64-bit integer ("U64").</summary>
    U64,

    /// <summary>Unsigned 32-bit integer ("U32").</summary>
    U32,

    /// <summary>Unsigned 16-bit integer ("U16").</summary>
    U16,

    /// <summary>Unsigned 8-bit integer ("U8").</summary>
    U8,

    /// <summary>One byte per boolean ("BOOL").</summary>
    Bool,
}
