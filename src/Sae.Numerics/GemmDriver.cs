namespace Sae.Numerics;

/// <summary>
/// The cache-blocked GEMM loop nest (GotoBLAS/BLIS order), written once for every micro-kernel.
/// op(B) is packed whole, once per call, into NR-column panels shared read-only by all threads; each
/// task owns an MC×NC tile of C and packs its own MC×KC blocks of op(A). The depth is cut into
/// fixed KC blocks whose partial sums are added to C in order, so every C element is computed by
/// the same operations whatever the number of threads or which task computes it.
/// </summary>
internal static unsafe class GemmDriver<TKernel>
    where TKernel : IGemmKernel
{
    /// <summary>Depth block: a KC×NR B panel (32 KiB at NR = 32) stays in L1 while the A block streams.</summary>
    public const int KC = Gemm.DepthBlock;

    /// <summary>Rows per task: an MC×KC A block (192 KiB) stays in L2.</summary>
    public static int MC => TKernel.MR * (192 / TKernel.MR);

    /// <summary>Columns per task (a multiple of every kernel's NR).</summary>
    public const int NC = 1024;

    /// <summary>Floats needed for the packed op(B) of a [k, n] operand.</summary>
    public static long PackedBLength(int k, int n) => (long)Partition.Count(n, TKernel.NR) * TKernel.NR * k;

    /// <summary>Packs all of op(B) ([k, n]) into NR-column panels: panel t at dst + t·k·NR.</summary>
    public static void PackB(GemmOperand b, float* dst, int threads)
    {
        int nr = TKernel.NR;
        int panels = Partition.Count(b.Cols, nr);
        const int PanelsPerChunk = 8;
        nint d = (nint)dst;
        Partition.For(Partition.Count(panels, PanelsPerChunk), threads, chunk =>
        {
            int end = Math.Min(panels, (chunk + 1) * PanelsPerChunk);
            for (int t = chunk * PanelsPerChunk; t < end; t++)
                GemmPacking.PackBPanel(b, t * nr, nr, (float*)d + (long)t * b.Rows * nr);
        });
    }

    /// <summary>Floats of packed op(A) for mc rows over depth k (rows padded to MR).</summary>
    public static long PackedALength(int mc, int k) => (long)Partition.Count(mc, TKernel.MR) * TKernel.MR * k;

    /// <summary>
    /// Packs rows [i0, i0+mc) of op(A) over the whole depth: the block for depth offset pc starts at
    /// dst + pc·(mc rounded up to MR), laid out as <see cref="GemmPacking.PackA"/> writes it.
    /// </summary>
    public static void PackARows(in GemmOperand a, int i0, int mc, int k, float* dst)
    {
        long mcPadded = (long)Partition.Count(mc, TKernel.MR) * TKernel.MR;
        for (int pc = 0; pc < k; pc += KC)
            GemmPacking.PackA(a, i0, mc, pc, Math.Min(KC, k - pc), TKernel.MR, dst + pc * mcPadded);
    }

    /// <summary>
    /// dst[i, j] (row stride ldd) = (accumulate ? dst : 0) + Σ_p op(A)[i0+i, p]·op(B)[p, j0+j]
    /// for i &lt; mc, j &lt; nc. j0 must be a multiple of NR. When <paramref name="aPrepacked"/>,
    /// packA already holds <see cref="PackARows"/>'s output for these rows; otherwise it is scratch
    /// of MC·KC floats and each depth block of A is packed just before use (while it is hot in L2).
    /// </summary>
    public static void ComputeBlock(in GemmOperand a, float* packedB, int k, int i0, int mc, int j0, int nc,
        float* dst, int ldd, bool accumulate, float* packA, bool aPrepacked)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        long mcPadded = (long)Partition.Count(mc, mr) * mr;
        float* edge = stackalloc float[mr * nr];
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            float* aBlock = aPrepacked ? packA + pc * mcPadded : packA;
            if (!aPrepacked)
                GemmPacking.PackA(a, i0, mc, pc, kc, mr, aBlock);
            bool load = accumulate || pc > 0;
            for (int jr = 0; jr < nc; jr += nr)
            {
                float* bPanel = packedB + (long)((j0 + jr) / nr) * k * nr + (long)pc * nr;
                int cols = Math.Min(nr, nc - jr);
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int rows = Math.Min(mr, mc - ir);
                    float* c = dst + (long)ir * ldd + jr;
                    if (rows == mr && cols == nr)
                    {
                        TKernel.Run(kc, aBlock + (long)ir * kc, bPanel, c, ldd, load);
                    }
                    else
                    {
                        TKernel.Run(kc, aBlock + (long)ir * kc, bPanel, edge, nr, load: false);
                        StoreEdge(edge, nr, c, ldd, rows, cols, load);
                    }
                }
            }
        }
    }

    /// <summary>C = (accumulate ? C : 0) + op(A)·op(B), C [m, n] row-major, tiles spread over threads.</summary>
    public static void Multiply(GemmOperand a, GemmOperand b, float* c, int m, int n, int k, bool accumulate, int threads)
    {
        float* packedB = NativeScratch.ForThread(0).Get(PackedBLength(k, n));
        PackB(b, packedB, threads);
        int mc = MC;
        int mBlocks = Partition.Count(m, mc), nBlocks = Partition.Count(n, NC);
        nint pb = (nint)packedB, pcOut = (nint)c;
        Partition.For(mBlocks * nBlocks, threads, task =>
        {
            // consecutive tasks share a column block, so its B panels stay in cache
            int ib = task % mBlocks, jb = task / mBlocks;
            int i0 = ib * mc, j0 = jb * NC;
            float* packA = NativeScratch.ForThread(1).Get((long)mc * KC);
            ComputeBlock(a, (float*)pb, k, i0, Math.Min(mc, m - i0), j0, Math.Min(NC, n - j0),
                (float*)pcOut + (long)i0 * n + j0, n, accumulate, packA, aPrepacked: false);
        });
    }

    private static void StoreEdge(float* tile, int nr, float* c, int ldc, int rows, int cols, bool load)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * nr;
            float* dst = c + (long)r * ldc;
            for (int j = 0; j < cols; j++)
                dst[j] = load ? dst[j] + src[j] : src[j];
        }
    }
}
