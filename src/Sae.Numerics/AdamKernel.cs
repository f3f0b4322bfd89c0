using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// The element-wise body of <see cref="Adam.Step"/> for one contiguous range. Every width runs the
/// same sequence of IEEE single-precision operations (no fused multiply-add), so the 512-, 256- and
/// 128-bit loops and the scalar tail give the bits of <see cref="AdamReference"/>.
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
            i = Run512(ref p0, ref g0, ref m0, ref v0, n, c);
        else if (Vector256.IsHardwareAccelerated)
            i = Run256(ref p0, ref g0, ref m0, ref v0, n, c);
        else if (Vector128.IsHardwareAccelerated)
            i = Run128(ref p0, ref g0, ref m0, ref v0, n, c);
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

    private static int Run512(ref float p0, ref float g0, ref float m0, ref float v0, int n, in AdamCoefficients c)
    {
        var w = Vector512.Create(c.LerpWeight);
        var wc = Vector512.Create(c.LerpComplement);
        var b2 = Vector512.Create(c.Beta2);
        var ob2 = Vector512.Create(c.OneMinusBeta2);
        var bc2 = Vector512.Create(c.BiasCorrection2Sqrt);
        var eps = Vector512.Create(c.Epsilon);
        var nss = Vector512.Create(c.NegativeStepSize);
        bool small = c.LerpSmall;
        int i = 0;
        for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            nuint k = (nuint)i;
            var g = Vector512.LoadUnsafe(ref g0, k);
            var mi = Vector512.LoadUnsafe(ref m0, k);
            var d = g - mi;
            mi = small ? mi + w * d : g - d * wc;
            var vi = Vector512.LoadUnsafe(ref v0, k) * b2 + ob2 * g * g;
            var denom = Vector512.Sqrt(vi) / bc2 + eps;
            (Vector512.LoadUnsafe(ref p0, k) + nss * mi / denom).StoreUnsafe(ref p0, k);
            mi.StoreUnsafe(ref m0, k);
            vi.StoreUnsafe(ref v0, k);
        }
        return i;
    }

    private static int Run256(ref float p0, ref float g0, ref float m0, ref float v0, int n, in AdamCoefficients c)
    {
        var w = Vector256.Create(c.LerpWeight);
        var wc = Vector256.Create(c.LerpComplement);
        var b2 = Vector256.Create(c.Beta2);
        var ob2 = Vector256.Create(c.OneMinusBeta2);
        var bc2 = Vector256.Create(c.BiasCorrection2Sqrt);
        var eps = Vector256.Create(c.Epsilon);
        var nss = Vector256.Create(c.NegativeStepSize);
        bool small = c.LerpSmall;
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint k = (nuint)i;
            var g = Vector256.LoadUnsafe(ref g0, k);
            var mi = Vector256.LoadUnsafe(ref m0, k);
            var d = g - mi;
            mi = small ? mi + w * d : g - d * wc;
            var vi = Vector256.LoadUnsafe(ref v0, k) * b2 + ob2 * g * g;
            var denom = Vector256.Sqrt(vi) / bc2 + eps;
            (Vector256.LoadUnsafe(ref p0, k) + nss * mi / denom).StoreUnsafe(ref p0, k);
            mi.StoreUnsafe(ref m0, k);
            vi.StoreUnsafe(ref v0, k);
        }
        return i;
    }

    private static int Run128(ref float p0, ref float g0, ref float m0, ref float v0, int n, in AdamCoefficients c)
    {
        var w = Vector128.Create(c.LerpWeight);
        var wc = Vector128.Create(c.LerpComplement);
        var b2 = Vector128.Create(c.Beta2);
        var ob2 = Vector128.Create(c.OneMinusBeta2);
        var bc2 = Vector128.Create(c.BiasCorrection2Sqrt);
        var eps = Vector128.Create(c.Epsilon);
        var nss = Vector128.Create(c.NegativeStepSize);
        bool small = c.LerpSmall;
        int i = 0;
        for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            nuint k = (nuint)i;
            var g = Vector128.LoadUnsafe(ref g0, k);
            var mi = Vector128.LoadUnsafe(ref m0, k);
            var d = g - mi;
            mi = small ? mi + w * d : g - d * wc;
            var vi = Vector128.LoadUnsafe(ref v0, k) * b2 + ob2 * g * g;
            var denom = Vector128.Sqrt(vi) / bc2 + eps;
            (Vector128.LoadUnsafe(ref p0, k) + nss * mi / denom).StoreUnsafe(ref p0, k);
            mi.StoreUnsafe(ref m0, k);
            vi.StoreUnsafe(ref v0, k);
        }
        return i;
    }
}
