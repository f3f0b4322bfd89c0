namespace Sae.Numerics;

/// <summary>
/// Copies blocks of the operands into the panel layouts the micro-kernels stream through, padding
/// with zeros past the matrix edge (a padded lane adds exact zeros, so edge tiles compute the same
/// bits as interior ones).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) ([m, k]) into panels of mr rows:
    /// dst[(panel·kc + p)·mr + r] = op(A)[i0 + panel·mr + r, p0 + p].
    /// </summary>
    public static void PackA(in GemmOperand a, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (a.Transposed)
            {
                // A stored [k, m]: for each p the panel's rows are contiguous.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a.Data + (long)(p0 + p) * a.Rows + i0 + ir;
                    float* d = panel + p * mr;
                    for (int r = 0; r < rows; r++)
                        d[r] = src[r];
                    for (int r = rows; r < mr; r++)
                        d[r] = 0f;
                }
            }
            else
            {
                // A stored [m, k]: read each row contiguously, write with stride mr.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a.Data + (long)(i0 + ir + r) * a.Cols + p0;
                    float* d = panel + r;
                    for (int p = 0; p < kc; p++)
                        d[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++)
                        panel[p * mr + r] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs columns [j0, j0+nr) of op(B) ([k, n]) over the whole depth k into one panel:
    /// dst[p·nr + c] = op(B)[p, j0 + c] (zero past column n).
    /// </summary>
    public static void PackBPanel(in GemmOperand b, int j0, int nr, float* dst)
    {
        int k = b.Rows;
        int cols = Math.Min(nr, b.Cols - j0);
        if (b.Transposed)
        {
            // B stored [n, k] (the C = A·Bᵀ case): each column of op(B) is a contiguous row of B.
            for (int c = 0; c < cols; c++)
            {
                float* src = b.Data + (long)(j0 + c) * k;
                float* d = dst + c;
                for (int p = 0; p < k; p++)
                    d[(long)p * nr] = src[p];
            }
        }
        else
        {
            for (int p = 0; p < k; p++)
            {
                float* src = b.Data + (long)p * b.Cols + j0;
                float* d = dst + (long)p * nr;
                for (int c = 0; c < cols; c++)
                    d[c] = src[c];
            }
        }
        if (cols < nr)
        {
            for (int p = 0; p < k; p++)
            {
                for (int c = cols; c < nr; c++)
                    dst[(long)p * nr + c] = 0f;
            }
        }
    }
}
