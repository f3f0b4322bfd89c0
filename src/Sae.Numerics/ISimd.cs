namespace Sae.Numerics;

/// <summary>
/// One vector width seen through a common shape, so a kernel's loop is written once and
/// instantiated per width (512, 256, 128 bits, and width 1 as the scalar fallback). Struct type
/// arguments make the JIT specialise and inline every call.
/// </summary>
/// <typeparam name="TVec">The vector type, e.g. <c>Vector512&lt;float&gt;</c>, or <c>float</c> for width 1.</typeparam>
internal interface ISimd<TVec>
    where TVec : struct
{
    /// <summary>Number of floats in one vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> floats starting at <paramref name="source"/> + <paramref name="offset"/> (unchecked).</summary>
    static abstract TVec Load(ref float source, nuint offset);

    /// <summary>Stores <see cref="Count"/> floats at <paramref name="destination"/> + <paramref name="offset"/> (unchecked).</summary>
    static abstract void Store(TVec value, ref float destination, nuint offset);

    /// <summary>A vector with every lane equal to <paramref name="value"/>.</summary>
    static abstract TVec Splat(float value);

    /// <summary><c>a + b</c> per lane (one IEEE rounding).</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary><c>a − b</c> per lane (one IEEE rounding).</summary>
    static abstract TVec Subtract(TVec a, TVec b);

    /// <summary><c>a·b</c> per lane (one IEEE rounding; never fused with a following add).</summary>
    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary><c>a / b</c> per lane (one IEEE rounding).</summary>
    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>Correctly rounded square root per lane (same bits as <see cref="MathF.Sqrt"/>).</summary>
    static abstract TVec Sqrt(TVec value);

    /// <summary>Per lane <c>value &lt; limit ? value : otherwise</c> (otherwise for NaN).</summary>
    static abstract TVec IfLessThan(TVec value, TVec limit, TVec otherwise);

    /// <summary>Fused <c>a·b + addend</c> per lane, rounded once (same bits as <see cref="MathF.FusedMultiplyAdd"/>).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);

    /// <summary>Bit i set where lane i of <paramref name="a"/> &gt; lane i of <paramref name="b"/> (false for NaN).</summary>
    static abstract ulong GreaterThanMask(TVec a, TVec b);

    /// <summary>Bit i set where lane i of <paramref name="a"/> &gt;= lane i of <paramref name="b"/> (false for NaN).</summary>
    static abstract ulong GreaterThanOrEqualMask(TVec a, TVec b);
}
