using System.Runtime.CompilerServices;

namespace Sae.Numerics;

/// <summary>
/// Portable micro-kernel, 4 × 4, for machines (or runs with DOTNET_EnableHWIntrinsic=0) without
/// AVX2/FMA. It multiplies and adds separately (two roundings), so its bits differ from the FMA
/// kernels; it is still independent of the thread count.
/// </summary>
internal readonly struct GemmKernelScalar : IGemmKernel
{
    public static int MR => 4;

    public static int NR => 4;

    public static unsafe void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        // acc: [4, 4] register tile, row-major
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            for (int r = 0; r < 4; r++)
            {
                float ar = a[r];
                float* row = acc + r * 4;
                row[0] += ar * b0;
                row[1] += ar * b1;
                row[2] += ar * b2;
                row[3] += ar * b3;
            }
            a += 4;
            b += 4;
        }
        for (int r = 0; r < 4; r++)
        {
            float* dst = c + r * ldc;
            for (int j = 0; j < 4; j++)
                dst[j] = load ? dst[j] + acc[r * 4 + j] : acc[r * 4 + j];
        }
    }
}
