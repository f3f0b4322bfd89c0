using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Numerics;

/// <summary>
/// AVX-512 micro-kernel, 12 rows × 32 columns: 24 zmm accumulators, two B vectors and one
/// broadcast per step fit the 32 registers. Zen 4/5 and Intel server cores issue two 512-bit FMAs
/// per cycle with 4-cycle latency, so 24 independent chains keep both pipes busy.
/// Generated once by hand-unrolling (C# has no macros); keep the shape if you edit it.
/// </summary>
internal readonly struct GemmKernel512 : IGemmKernel
{
    public static int MR => 12;

    public static int NR => 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default;
        Vector512<float> c100 = default, c101 = default;
        Vector512<float> c110 = default, c111 = default;
        for (int p = 0; p < kc; p++)
        {
            // b: [kc, 32] -> two vectors per step; a: [kc, 12] -> one broadcast per row
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            Vector512<float> a8 = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
            c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
            c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            a += 12;
            b += 32;
        }
        if (load)
        {
            Store(c + 0 * ldc, c00 + Vector512.Load(c + 0 * ldc), c01 + Vector512.Load(c + 0 * ldc + 16));
            Store(c + 1 * ldc, c10 + Vector512.Load(c + 1 * ldc), c11 + Vector512.Load(c + 1 * ldc + 16));
            Store(c + 2 * ldc, c20 + Vector512.Load(c + 2 * ldc), c21 + Vector512.Load(c + 2 * ldc + 16));
            Store(c + 3 * ldc, c30 + Vector512.Load(c + 3 * ldc), c31 + Vector512.Load(c + 3 * ldc + 16));
            Store(c + 4 * ldc, c40 + Vector512.Load(c + 4 * ldc), c41 + Vector512.Load(c + 4 * ldc + 16));
            Store(c + 5 * ldc, c50 + Vector512.Load(c + 5 * ldc), c51 + Vector512.Load(c + 5 * ldc + 16));
            Store(c + 6 * ldc, c60 + Vector512.Load(c + 6 * ldc), c61 + Vector512.Load(c + 6 * ldc + 16));
            Store(c + 7 * ldc, c70 + Vector512.Load(c + 7 * ldc), c71 + Vector512.Load(c + 7 * ldc + 16));
            Store(c + 8 * ldc, c80 + Vector512.Load(c + 8 * ldc), c81 + Vector512.Load(c + 8 * ldc + 16));
            Store(c + 9 * ldc, c90 + Vector512.Load(c + 9 * ldc), c91 + Vector512.Load(c + 9 * ldc + 16));
            Store(c + 10 * ldc, c100 + Vector512.Load(c + 10 * ldc), c101 + Vector512.Load(c + 10 * ldc + 16));
            Store(c + 11 * ldc, c110 + Vector512.Load(c + 11 * ldc), c111 + Vector512.Load(c + 11 * ldc + 16));
        }
        else
        {
            Store(c + 0 * ldc, c00, c01);
            Store(c + 1 * ldc, c10, c11);
            Store(c + 2 * ldc, c20, c21);
            Store(c + 3 * ldc, c30, c31);
            Store(c + 4 * ldc, c40, c41);
            Store(c + 5 * ldc, c50, c51);
            Store(c + 6 * ldc, c60, c61);
            Store(c + 7 * ldc, c70, c71);
            Store(c + 8 * ldc, c80, c81);
            Store(c + 9 * ldc, c90, c91);
            Store(c + 10 * ldc, c100, c101);
            Store(c + 11 * ldc, c110, c111);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* row, Vector512<float> lo, Vector512<float> hi)
    {
        lo.Store(row);
        hi.Store(row + 16);
    }
}
