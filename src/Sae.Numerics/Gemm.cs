namespace Sae.Numerics;

/// <summary>
/// Single-precision matrix products on row-major spans: C[m, n] = (accumulate ? C : 0) + op(A)·op(B),
/// where op(A) is [m, k] and op(B) is [k, n]. Cache-blocked with packing, AVX-512 or AVX2/FMA
/// micro-kernels (scalar fallback), multi-threaded by splitting C only; the result is bit-identical
/// for any thread count. Scalar meaning: C[i, j] = Σ_p op(A)[i, p]·op(B)[p, j], accumulated per
/// depth block of <see cref="DepthBlock"/> in increasing p with fused multiply-adds (the reference
/// twin is <see cref="GemmReference"/>).
/// </summary>
public static class Gemm
{
    /// <summary>Depth block length: partial sums over this many p are added to C in order.</summary>
    public const int DepthBlock = 256;

    /// <summary>The kernel family this process uses.</summary>
    public static GemmIsa Isa => GemmIsaSelector.Best;

    /// <summary>C = A·Bᵀ with A [m, k], B [n, k] (an encoder: x·W_encᵀ).</summary>
    public static void MultiplyABt(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool accumulate = false, int threads = 1) =>
        Multiply(a, false, b, true, c, m, n, k, accumulate, threads);

    /// <summary>C = Aᵀ·B with A [k, m], B [k, n] (a weight gradient: gᵀ·x).</summary>
    public static void MultiplyAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool accumulate = false, int threads = 1) =>
        Multiply(a, true, b, false, c, m, n, k, accumulate, threads);

    /// <summary>C = A·B with A [m, k], B [k, n] (a dense decoder: f·W_dec).</summary>
    public static void MultiplyAB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool accumulate = false, int threads = 1) =>
        Multiply(a, false, b, false, c, m, n, k, accumulate, threads);

    /// <summary>
    /// C = (accumulate ? C : 0) + op(A)·op(B). A is stored [m, k] (or [k, m] when
    /// <paramref name="transposeA"/>), B is stored [k, n] (or [n, k] when <paramref name="transposeB"/>),
    /// C is [m, n]. C must not overlap A or B.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, bool accumulate = false, int threads = 1) =>
        Multiply(a, transposeA, b, transposeB, c, m, n, k, accumulate, threads, GemmIsaSelector.Best);

    /// <summary>As the public overload, with the kernel family chosen explicitly (tests use it).</summary>
    internal static unsafe void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, bool accumulate, int threads, GemmIsa isa)
    {
        Validate(a, transposeA, b, transposeB, c, m, n, k, threads);
        if (!GemmIsaSelector.IsSupported(isa))
            throw new PlatformNotSupportedException($"GEMM kernel {isa} is not supported by this CPU or runtime settings.");
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                c.Clear();
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var opA = new GemmOperand(pa, transposeA, m, k);
            var opB = new GemmOperand(pb, transposeB, k, n);
            switch (isa)
            {
                case GemmIsa.Avx512: GemmDriver<GemmKernel512>.Multiply(opA, opB, pc, m, n, k, accumulate, threads); break;
                case GemmIsa.Avx2: GemmDriver<GemmKernel256>.Multiply(opA, opB, pc, m, n, k, accumulate, threads); break;
                default: GemmDriver<GemmKernelScalar>.Multiply(opA, opB, pc, m, n, k, accumulate, threads); break;
            }
        }
    }

    private static void Validate(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, int threads)
    {
        Check.NonNegative(m);
        Check.NonNegative(n);
        Check.NonNegative(k);
        Check.Threads(threads);
        Check.Length(a.Length, Check.Product(m, k, "m·k"), transposeA ? $"k·m = {k}·{m}" : $"m·k = {m}·{k}", nameof(a));
        Check.Length(b.Length, Check.Product(k, n, "k·n"), transposeB ? $"n·k = {n}·{k}" : $"k·n = {k}·{n}", nameof(b));
        Check.Length(c.Length, Check.Product(m, n, "m·n"), $"m·n = {m}·{n}", nameof(c));
        if (c.Overlaps(a) || c.Overlaps(b))
            throw new ArgumentException("c must not overlap a or b (the product is written while they are read).", nameof(c));
    }
}
