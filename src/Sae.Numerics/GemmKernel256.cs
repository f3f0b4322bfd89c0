using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Numerics;

/// <summary>
/// AVX2/FMA micro-kernel, 6 rows × 16 columns: 12 ymm accumulators, two B vectors and one
/// broadcast per step fit the 16 registers (the classic Haswell sgemm shape).
/// </summary>
internal readonly struct GemmKernel256 : IGemmKernel
{
    public static int MR => 6;

    public static int NR => 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            // b: [kc, 16] -> two vectors per step; a: [kc, 6] -> one broadcast per row
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        if (load)
        {
            Store(c + 0 * ldc, c00 + Vector256.Load(c + 0 * ldc), c01 + Vector256.Load(c + 0 * ldc + 8));
            Store(c + 1 * ldc, c10 + Vector256.Load(c + 1 * ldc), c11 + Vector256.Load(c + 1 * ldc + 8));
            Store(c + 2 * ldc, c20 + Vector256.Load(c + 2 * ldc), c21 + Vector256.Load(c + 2 * ldc + 8));
            Store(c + 3 * ldc, c30 + Vector256.Load(c + 3 * ldc), c31 + Vector256.Load(c + 3 * ldc + 8));
            Store(c + 4 * ldc, c40 + Vector256.Load(c + 4 * ldc), c41 + Vector256.Load(c + 4 * ldc + 8));
            Store(c + 5 * ldc, c50 + Vector256.Load(c + 5 * ldc), c51 + Vector256.Load(c + 5 * ldc + 8));
        }
        else
        {
            Store(c + 0 * ldc, c00, c01);
            Store(c + 1 * ldc, c10, c11);
            Store(c + 2 * ldc, c20, c21);
            Store(c + 3 * ldc, c30, c31);
            Store(c + 4 * ldc, c40, c41);
            Store(c + 5 * ldc, c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* row, Vector256<float> lo, Vector256<float> hi)
    {
        lo.Store(row);
        hi.Store(row + 8);
    }
}
