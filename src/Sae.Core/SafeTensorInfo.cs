namespace Sae.Core;

/// <summary>One tensor listed in a safetensors header: name, element type, shape and where its bytes lie.</summary>
public sealed class SafeTensorInfo
{
    internal SafeTensorInfo(string name, TensorDType dtype, long[] shape, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>Tensor name (the header key).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public TensorDType DType { get; }

    /// <summary>Dimensions, outermost first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>First byte of the tensor, relative to the start of the data buffer (after the header).</summary>
    public long DataBegin { get; }

    /// <summary>One past the last byte, relative to the start of the data buffer.</summary>
    public long DataEnd { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Shape as text, e.g. "[4096, 768]".</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DTypes.Name(DType)} {ShapeText}";
}
