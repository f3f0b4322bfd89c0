using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// TopK SAE as sparsify trains it. Forward: pre = relu((x − b_dec)·W_encᵀ + b_enc), keep the k
/// largest per token, x̂ = Σ v·W_dec[idx] + b_dec; loss = FVU = Σ‖x̂ − x‖² / Σ‖x − mean(x)‖².
/// Backward is sparse: only the k selected latents of a token get gradient (gather-dot for the
/// activations, deterministic scatter-add into the selected rows of W_enc and W_dec). b_dec gets
/// gradient from the decoder (+b_dec) and from the encoder input (x − b_dec), as in sparsify.
/// </summary>
internal sealed class TopKModel : ISaeModel
{
    private readonly int _n, _d, _k;
    private readonly SparseWorkspace _workspace = new();
    private float[] _xc = [], _xhat = [], _values = [], _gradValues = [];
    private int[] _indices = [];
    private readonly float[] _row, _mean;

    public TopKModel(SaeConfig config)
    {
        Config = config;
        (_n, _d, _k) = (config.Latents, config.Dimension, config.K);
        _row = new float[_d];
        _mean = new float[_d];
    }

    public SaeConfig Config { get; }

    /// <summary>Selected latents of the last batch: values and indices [rows, k] (for metrics and tests).</summary>
    internal ReadOnlySpan<int> LastIndices => _indices;

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads)
    {
        // nn.Linear(d, n): weight Kaiming-uniform with bound 1/√d; sparsify then zeroes the bias
        RandomFill.KaimingUniform(p.EncoderWeight, _d, seed, stream: 0, threads);
        Array.Clear(p.EncoderBias);
        // W_dec = copy of W_enc with unit rows; b_dec = mean of the first batch (science.md)
        p.EncoderWeight.CopyTo(p.DecoderWeight, 0);
        RowOps.NormalizeRows(p.DecoderWeight, _n, _d, threads);
        ColumnOps.ColumnMeans(firstBatch[..(rows * _d)], rows, _d, p.DecoderBias, threads);
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires, int threads)
    {
        Ensure(rows);
        int bk = rows * _k;
        Span<float> xc = _xc.AsSpan(0, rows * _d), xhat = _xhat.AsSpan(0, rows * _d);
        Span<float> values = _values.AsSpan(0, bk), gv = _gradValues.AsSpan(0, bk);
        Span<int> indices = _indices.AsSpan(0, bk);
        x = x[..(rows * _d)];

        // encode: xc [rows, d] = x − b_dec; (values, indices) [rows, k] = topk(relu(xc·W_encᵀ + b_enc))
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, _k, values, indices, threads);
        // decode: xhat [rows, d] = Σ_j values·W_dec[idx] + b_dec, then the residual r = x̂ − x in place
        SparseOps.Decode(values, indices, p.DecoderWeight, p.DecoderBias, rows, _k, _n, _d, xhat, threads);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        double l2 = BatchMath.Residual(xhat, x);
        double fvu = l2 / variance;

        // ∂FVU/∂x̂ = 2·r / variance, written over the residual: G [rows, d]
        TensorPrimitives.Multiply(xhat, (float)(2.0 / variance), xhat);
        Backward(p, grad, xc, xhat, values, indices, gv, rows, threads);

        var fired = _workspace.FireCounts;
        for (int i = 0; i < _n; i++)
            fires[i] += fired[i];
        double l0 = CountPositive(values) / (double)rows;
        return new StepLoss(fvu, fvu, l2 / rows, l0, 0);
    }

    private void Backward(SaeParameters p, SaeParameters grad, Span<float> xc, Span<float> g, Span<float> values,
        Span<int> indices, Span<float> gv, int rows, int threads)
    {
        // decoder: ∂b_dec = Σ_b G[b]; ∂v = G·W_dec[idx]; ∂W_dec[idx] += v·G
        BatchMath.ColumnSums(g, rows, grad.DecoderBias);
        SparseOps.GatherDot(g, indices, p.DecoderWeight, rows, _k, _n, _d, gv, threads);
        _workspace.Build(indices, rows, _k, _n);
        Array.Clear(grad.DecoderWeight);
        SparseOps.ScatterAddRows(values, g, _d, grad.DecoderWeight, [], _workspace, threads);

        // relu: no gradient where the selected activation is 0
        for (int i = 0; i < gv.Length; i++)
        {
            if (!(values[i] > 0f))
                gv[i] = 0f;
        }
        // encoder: ∂W_enc[idx] += ∂pre·xc, ∂b_enc[idx] += ∂pre
        Array.Clear(grad.EncoderWeight);
        Array.Clear(grad.EncoderBias);
        SparseOps.ScatterAddRows(gv, xc, _d, grad.EncoderWeight, grad.EncoderBias, _workspace, threads);

        // xc = x − b_dec: ∂b_dec −= Σ_b Σ_j ∂pre[b,j]·W_enc[idx] = Σ_i ∂b_enc[i]·W_enc[i] over fired latents
        var fired = _workspace.FireCounts;
        for (int i = 0; i < _n; i++)
        {
            if (fired[i] > 0 && grad.EncoderBias[i] != 0f)
                TensorPrimitives.MultiplyAdd(p.EncoderWeight.AsSpan(i * _d, _d), -grad.EncoderBias[i], grad.DecoderBias, grad.DecoderBias);
        }
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads) =>
        RowOps.ProjectOutParallel(grad.DecoderWeight, p.DecoderWeight, _n, _d, threads);

    public void ConstrainParameters(SaeParameters p, int threads) =>
        RowOps.NormalizeRows(p.DecoderWeight, _n, _d, threads);

    private static int CountPositive(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float v in values)
        {
            if (v > 0f)
                count++;
        }
        return count;
    }

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[rows * _d];
        _values = new float[rows * _k];
        _gradValues = new float[rows * _k];
        _indices = new int[rows * _k];
    }
}
