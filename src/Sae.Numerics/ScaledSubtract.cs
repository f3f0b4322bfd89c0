using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// <c>y[j] = y[j] − s·x[j]</c> with two roundings (multiply, then subtract; never fused), so every
/// vector width gives the bits of the scalar loop. (TensorPrimitives.MultiplyAdd may fuse.)
/// </summary>
internal static class ScaledSubtract
{
    /// <summary>In place on <paramref name="y"/>; <paramref name="x"/> has y's length (unchecked).</summary>
    public static void Run(Span<float> y, ReadOnlySpan<float> x, float s)
    {
        ref float y0 = ref MemoryMarshal.GetReference(y);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref y0, (nuint)i) - sv * Vector512.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref y0, (nuint)i) - sv * Vector256.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var sv = Vector128.Create(s);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                (Vector128.LoadUnsafe(ref y0, (nuint)i) - sv * Vector128.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref y0, i) -= s * Unsafe.Add(ref x0, i);
    }
}
