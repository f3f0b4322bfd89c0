using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// The element-wise body of <see cref="Adam.Step"/> for one contiguous range. Every width runs the
/// same sequence of IEEE single-precision operations (no fused multiply-add): one loop over
/// <see cref="ISimd{TVec}"/>, instantiated at 512, 256 and 128 bits, and the scalar tail give the
/// bits of <see cref="AdamReference"/>.
/// </summary>
internal static class AdamKernel
{
    /// <summary>Updates p, m, v in place for every index of the (equal-length) spans.</summary>
    public static void Run(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, in AdamCoefficients c)
    {
        ref float p0 = ref MemoryMarshal.GetReference(param);
        ref float g0 = ref MemoryMarshal.GetReference(grad);
        ref float m0 = ref MemoryMarshal.GetReference(m);
        ref float v0 = ref MemoryMarshal.GetReference(v);
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = Vectors<Simd.W512, Vector512<float>>(ref p0, ref g0, ref m0, ref v0, n, c);
        else if (Vector256.IsHardwareAccelerated)
            i = Vectors<Simd.W256, Vector256<float>>(ref p0, ref g0, ref m0, ref v0, n, c);
        else if (Vector128.IsHardwareAccelerated)
            i = Vectors<Simd.W128, Vector128<float>>(ref p0, ref g0, ref m0, ref v0, n, c);
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref g0, i), mi = Unsafe.Add(ref m0, i), d = g - mi;
            mi = c.LerpSmall ? mi + c.LerpWeight * d : g - d * c.LerpComplement;
            float vi = Unsafe.Add(ref v0, i) * c.Beta2 + c.OneMinusBeta2 * g * g;
            float denom = MathF.Sqrt(vi) / c.BiasCorrection2Sqrt + c.Epsilon;
            Unsafe.Add(ref p0, i) += c.NegativeStepSize * mi / denom;
            Unsafe.Add(ref m0, i) = mi;
            Unsafe.Add(ref v0, i) = vi;
        }
    }

    // Whole vectors of TSimd.Count from index 0; returns the first index left. The same
    // operations as the scalar tail, in the same order: multiply and add stay separate roundings.
    private static int Vectors<TSimd, TVec>(ref float p0, ref float g0, ref float m0, ref float v0, int n, in AdamCoefficients c)
        where TSimd : ISimd<TVec>
        where TVec : struct
    {
        TVec w = TSimd.Splat(c.LerpWeight);
        TVec wc = TSimd.Splat(c.LerpComplement);
        TVec b2 = TSimd.Splat(c.Beta2);
        TVec ob2 = TSimd.Splat(c.OneMinusBeta2);
        TVec bc2 = TSimd.Splat(c.BiasCorrection2Sqrt);
        TVec eps = TSimd.Splat(c.Epsilon);
        TVec nss = TSimd.Splat(c.NegativeStepSize);
        bool small = c.LerpSmall;
        int i = 0;
        for (; i <= n - TSimd.Count; i += TSimd.Count)
        {
            nuint k = (nuint)i;
            TVec g = TSimd.Load(ref g0, k);
            TVec mi = TSimd.Load(ref m0, k);
            TVec d = TSimd.Subtract(g, mi);
            mi = small ? TSimd.Add(mi, TSimd.Multiply(w, d)) : TSimd.Subtract(g, TSimd.Multiply(d, wc));
            TVec vi = TSimd.Add(TSimd.Multiply(TSimd.Load(ref v0, k), b2), TSimd.Multiply(TSimd.Multiply(ob2, g), g));
            TVec denom = TSimd.Add(TSimd.Divide(TSimd.Sqrt(vi), bc2), eps);
            TSimd.Store(TSimd.Add(TSimd.Load(ref p0, k), TSimd.Divide(TSimd.Multiply(nss, mi), denom)), ref p0, k);
            TSimd.Store(mi, ref m0, k);
            TSimd.Store(vi, ref v0, k);
        }
        return i;
    }
}
