using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>What <see cref="EncoderTopK"/> applies to the pre-activations before it keeps the top k.</summary>
public enum EncoderActivation
{
    /// <summary>relu: keep the k largest relu(pre) (TopK, BatchTopK).</summary>
    Relu,

    /// <summary>AbsTopK: keep the k largest |pre|, with their sign (values are pre itself, ranked by magnitude).</summary>
    AbsSigned,
}

/// <summary>
/// The TopK SAE encoder in one pass: for every row b of x, pre[b, j] = relu(Σ_p x[b, p]·w[j, p] + bias[j])
/// and the k largest pre[b, ·] are kept (sorted, in <see cref="TopKSelector"/>'s order). The [batch, n]
/// pre-activation matrix is never materialised: each task computes a block of rows one column tile
/// at a time (a tile of <see cref="GemmDriver{TKernel}.MC"/>×<see cref="TileColumns"/> floats per
/// thread) and folds it into the rows' running top-k. Results are bit-identical to
/// <see cref="Gemm.MultiplyABt"/> followed by bias, relu (<see cref="MathF.Max(float, float)"/>,
/// NaN propagates) and <see cref="TopK.Rows"/>, for any thread count.
/// </summary>
public static class EncoderTopK
{
    /// <summary>Columns of pre-activations computed per tile.</summary>
    public const int TileColumns = 2048;

    /// <summary>
    /// values[b, ·], indices[b, ·] = top-k over j of relu(x[b]·w[j] + bias[j]).
    /// x: [batch, d] (already centred by the caller, x − b_dec); w: [n, d] (W_enc); bias: [n];
    /// values, indices: [batch, k]; 1 ≤ k ≤ n.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int n, int d, int k, Span<float> values, Span<int> indices, int threads = 1) =>
        Forward(x, w, bias, batch, n, d, k, values, indices, EncoderActivation.Relu, threads, GemmIsaSelector.Best);

    /// <summary>
    /// As the relu overload, with the activation chosen: for <see cref="EncoderActivation.AbsSigned"/>,
    /// values[b, ·], indices[b, ·] are the k entries of pre[b, ·] = x[b]·w[j] + bias[j] largest in
    /// magnitude (ranked as TopK.Rows ranks |pre|: ties by lower index), each value pre itself, signed;
    /// bit-identical to <see cref="Gemm.MultiplyABt"/>, bias, <see cref="TensorPrimitives.Abs(ReadOnlySpan{float}, Span{float})"/>,
    /// <see cref="TopK.Rows"/> and the sign put back.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int n, int d, int k, Span<float> values, Span<int> indices, EncoderActivation activation, int threads = 1) =>
        Forward(x, w, bias, batch, n, d, k, values, indices, activation, threads, GemmIsaSelector.Best);

    internal static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int n, int d, int k, Span<float> values, Span<int> indices, int threads, GemmIsa isa) =>
        Forward(x, w, bias, batch, n, d, k, values, indices, EncoderActivation.Relu, threads, isa);

    internal static unsafe void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int n, int d, int k, Span<float> values, Span<int> indices, EncoderActivation activation, int threads, GemmIsa isa)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "activation must be Relu or AbsSigned.");
        Validate(x, w, bias, batch, n, d, k, values, indices, threads);
        if (batch == 0)
            return;
        fixed (float* px = x, pw = w, pb = bias, pv = values)
        fixed (int* pi = indices)
        {
            var job = new Job(new GemmOperand(px, false, batch, d), new GemmOperand(pw, true, d, n), pb, pv, pi, k, activation, threads);
            switch (isa)
            {
                case GemmIsa.Avx512: Run<GemmKernel512>(job); break;
                case GemmIsa.Avx2: Run<GemmKernel256>(job); break;
                default: Run<GemmKernelScalar>(job); break;
            }
        }
    }

    /// <summary>Everything one call needs, as raw pointers so worker lambdas can carry it.</summary>
    private readonly unsafe struct Job(GemmOperand x, GemmOperand w, float* bias, float* values, int* indices, int k, EncoderActivation activation, int threads)
    {
        public readonly GemmOperand X = x;
        public readonly GemmOperand W = w;
        public readonly float* Bias = bias;
        public readonly float* Values = values;
        public readonly int* Indices = indices;
        public readonly int K = k;
        public readonly EncoderActivation Activation = activation;
        public readonly int Threads = threads;
    }

    private static unsafe void Run<TKernel>(Job job)
        where TKernel : IGemmKernel
    {
        int batch = job.X.Rows, d = job.X.Cols, n = job.W.Cols;
        float* packedW = NativeScratch.ForThread(0).Get(GemmDriver<TKernel>.PackedBLength(d, n));
        GemmDriver<TKernel>.PackB(job.W, packedW, job.Threads);
        int mc = GemmDriver<TKernel>.MC;
        nint pw = (nint)packedW;
        Partition.For(Partition.Count(batch, mc), job.Threads, block =>
        {
            int i0 = block * mc, rows = Math.Min(mc, batch - i0);
            RowBlock<TKernel>(job, (float*)pw, i0, rows);
        });
    }

    private static unsafe void RowBlock<TKernel>(in Job job, float* packedW, int i0, int rows)
        where TKernel : IGemmKernel
    {
        int d = job.X.Cols, n = job.W.Cols, k = job.K;
        float* packA = NativeScratch.ForThread(1).Get(GemmDriver<TKernel>.PackedALength(rows, d));
        float* tile = NativeScratch.ForThread(2).Get((long)rows * TileColumns);
        Span<int> counts = stackalloc int[rows];
        counts.Clear();
        // AbsSigned: one sign bit per pre-activation of the block, [rows, ⌈n/32⌉] words, to restore the kept values' signs
        bool abs = job.Activation == EncoderActivation.AbsSigned;
        int words = (n + 31) / 32;
        var signs = abs ? new Span<uint>(NativeScratch.ForThread(3).Get((long)rows * words), rows * words) : [];
        signs.Clear();
        GemmDriver<TKernel>.PackARows(job.X, i0, rows, d, packA);
        for (int j0 = 0; j0 < n; j0 += TileColumns)
        {
            int cols = Math.Min(TileColumns, n - j0);
            // tile: [rows, cols] (row stride TileColumns) = x[i0.., :]·w[j0.., :]ᵀ
            GemmDriver<TKernel>.ComputeBlock(job.X, packedW, d, i0, rows, j0, cols, tile, TileColumns,
                accumulate: false, packA, aPrepacked: true);
            var bias = new ReadOnlySpan<float>(job.Bias + j0, cols);
            for (int r = 0; r < rows; r++)
            {
                var pre = new Span<float>(tile + (long)r * TileColumns, cols);
                TensorPrimitives.Add(pre, bias, pre);
                if (abs)
                {
                    RecordSigns(pre, j0, signs.Slice(r * words, words));
                    TensorPrimitives.Abs(pre, pre);
                }
                else
                {
                    TensorPrimitives.Max(pre, 0f, pre);
                }
                var selector = TopKSelector.Resume(RowValues(job, i0 + r), RowIndices(job, i0 + r), counts[r]);
                selector.Offer(pre, j0);
                counts[r] = selector.Count;
            }
        }
        for (int r = 0; r < rows; r++)
        {
            var selector = TopKSelector.Resume(RowValues(job, i0 + r), RowIndices(job, i0 + r), counts[r]);
            selector.Finish(RowValues(job, i0 + r), RowIndices(job, i0 + r));
            if (abs)
                RestoreSigns(RowValues(job, i0 + r), RowIndices(job, i0 + r), signs.Slice(r * words, words));
        }
    }

    // bit j0 + c of the row's words = sign bit of pre[c]; j0 is a multiple of 32 (a tile start), so
    // whole words are written 32 columns at a time from the vectors' sign masks
    private static void RecordSigns(ReadOnlySpan<float> pre, int j0, Span<uint> words)
    {
        int c = 0;
        for (; c <= pre.Length - 32; c += 32)
        {
            uint word = Vector256.Create(pre.Slice(c, 8)).ExtractMostSignificantBits()
                | (Vector256.Create(pre.Slice(c + 8, 8)).ExtractMostSignificantBits() << 8)
                | (Vector256.Create(pre.Slice(c + 16, 8)).ExtractMostSignificantBits() << 16)
                | (Vector256.Create(pre.Slice(c + 24, 8)).ExtractMostSignificantBits() << 24);
            words[(j0 + c) >> 5] = word;
        }
        for (; c < pre.Length; c++)
        {
            if (BitConverter.SingleToInt32Bits(pre[c]) < 0)
                words[(j0 + c) >> 5] |= 1u << ((j0 + c) & 31);
        }
    }

    // |pre| with the sign bit set again is pre, bit for bit
    private static void RestoreSigns(Span<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<uint> words)
    {
        for (int j = 0; j < values.Length; j++)
        {
            if ((words[indices[j] >> 5] & (1u << (indices[j] & 31))) != 0)
                values[j] = -values[j];
        }
    }

    private static unsafe Span<float> RowValues(in Job job, int row) => new(job.Values + (long)row * job.K, job.K);

    private static unsafe Span<int> RowIndices(in Job job, int row) => new(job.Indices + (long)row * job.K, job.K);

    private static void Validate(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, int n, int d, int k, Span<float> values, Span<int> indices, int threads)
    {
        Check.NonNegative(batch);
        Check.Positive(n);
        Check.Positive(d);
        Check.Threads(threads);
        if (k < 1 || k > n)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and n = {n} (got {k}).");
        Check.Length(x.Length, Check.Product(batch, d, "batch·d"), $"batch·d = {batch}·{d}", nameof(x));
        Check.Length(w.Length, Check.Product(n, d, "n·d"), $"n·d = {n}·{d}", nameof(w));
        Check.Length(bias.Length, n, "n", nameof(bias));
        Check.Length(values.Length, Check.Product(batch, k, "batch·k"), $"batch·k = {batch}·{k}", nameof(values));
        Check.Length(indices.Length, Check.Product(batch, k, "batch·k"), $"batch·k = {batch}·{k}", nameof(indices));
    }
}
