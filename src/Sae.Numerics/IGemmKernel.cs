namespace Sae.Numerics;

/// <summary>
/// A register-blocked GEMM micro-kernel: computes one MR×NR tile of C from a packed MR-row panel of
/// A and a packed NR-column panel of B. Every C element is one fused multiply-add chain over p in
/// increasing order, started from zero, so the value of an element does not depend on which tile,
/// thread or kernel computed it (only on the K blocking, which is fixed).
/// </summary>
internal interface IGemmKernel
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>
    /// c[r, j] = (load ? c[r, j] : 0) + Σ_p a[p·MR + r] · b[p·NR + j] for r &lt; MR, j &lt; NR.
    /// a: packed panel [kc, MR]; b: packed panel [kc, NR]; c: row stride ldc.
    /// </summary>
    static abstract unsafe void Run(int kc, float* a, float* b, float* c, int ldc, bool load);
}
