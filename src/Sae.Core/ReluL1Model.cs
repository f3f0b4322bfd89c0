using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// ReLU SAE with an L1 penalty, as SAELens' standard SAE trains it: f = relu((x − b_dec)·W_encᵀ + b_enc),
/// x̂ = f·W_dec + b_dec, loss = MSE + λ_s·L1 with MSE = Σ_b ‖x̂_b − x_b‖² / B (summed over d, averaged
/// over the batch) and L1 = Σ_b Σ_i f_bi·‖W_dec,i‖ / B; λ_s ramps over the L1 warm-up. No decoder
/// renormalisation. Initialisation (documented in the README): W_dec rows uniform directions with
/// norm 0.1 (SAELens' decoder_init_norm), W_enc = W_decᵀ, b_enc = b_dec = 0.
/// </summary>
internal sealed class ReluL1Model : ISaeModel
{
    private const float DecoderInitNorm = 0.1f;

    /// <summary>The sparse path runs when the busiest token has at most n / this many active latents.</summary>
    internal const int SparseDensityLimit = 8;
    private readonly int _n, _d;
    private readonly float[] _norms, _fSums;
    private readonly float[] _mean, _row;
    private readonly SparseWorkspace _workspace = new();
    private float[] _xc = [], _f = [], _xhat = [], _gradPre = [], _values = [], _gradValues = [];
    private int[] _indices = [], _counts = [];

    public ReluL1Model(SaeConfig config)
    {
        Config = config;
        (_n, _d) = (config.Latents, config.Dimension);
        _norms = new float[_n];
        _fSums = new float[_n];
        _mean = new float[_d];
        _row = new float[_d];
    }

    public SaeConfig Config { get; }

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads) =>
        InitializeSaeLens(p, seed, threads);

    /// <summary>
    /// SAELens' TrainingSAE initialisation, shared by its ReLU+L1, JumpReLU and Gated SAEs: W_dec rows
    /// uniform directions of norm 0.1, W_enc = W_decᵀ, b_enc = b_dec = 0 (the extras are the model's).
    /// </summary>
    internal static void InitializeSaeLens(SaeParameters p, ulong seed, int threads)
    {
        int n = p.Latents, d = p.Dimension;
        RandomFill.KaimingUniform(p.DecoderWeight, d, seed, stream: 0, threads);
        RowOps.NormalizeRows(p.DecoderWeight, n, d, threads);
        TensorPrimitives.Multiply(p.DecoderWeight, DecoderInitNorm, p.DecoderWeight);
        // SAELens stores W_enc [d, n] = W_decᵀ; in our [n, d] layout that is the same matrix
        p.DecoderWeight.CopyTo(p.EncoderWeight, 0);
        Array.Clear(p.EncoderBias);
        Array.Clear(p.DecoderBias);
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        Ensure(rows);
        Span<float> xc = _xc.AsSpan(0, rows * _d), xhat = _xhat.AsSpan(0, rows * _d), f = _f.AsSpan(0, rows * _n);
        x = x[..(rows * _d)];

        // encode: f [rows, n] = relu((x − b_dec)·W_encᵀ + b_enc)
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, f, rows, _n, _d, threads: threads);
        // with each token's active latents (_counts), each latent's firing tokens and Σ_b f (the L1's batch sums)
        long active = ReluL1.Forward(f, p.EncoderBias, rows, _n, _counts, fires, _fSums, threads);
        // sparse when every token has at most n/8 active latents (a trained ReLU SAE): decode and backward
        // then touch only active latents; otherwise dense GEMMs. Either way the choice depends on the data only.
        int width = 0;
        for (int b = 0; b < rows; b++)
            width = Math.Max(width, _counts[b]);
        bool sparse = width * SparseDensityLimit <= _n;
        if (sparse)
        {
            width = Math.Max(width, 1);
            EnsureSparse(rows * width);
            ActiveSet.Gather(f, rows, _n, width, _counts, _values, _indices, threads);
            SparseOps.Decode(_values.AsSpan(0, rows * width), _indices.AsSpan(0, rows * width), p.DecoderWeight, p.DecoderBias, rows, width, _n, _d, xhat, threads);
        }
        else
        {
            // decode: x̂ [rows, d] = f·W_dec + b_dec
            Gemm.MultiplyAB(f, p.DecoderWeight, xhat, rows, _d, _n, threads: threads);
            for (int b = 0; b < rows; b++)
                TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        }
        // residual r = x̂ − x in place
        double l2 = BatchMath.Residual(xhat, x);

        RowOps.RowNorms(p.DecoderWeight, _n, _d, _norms, threads);
        double l1 = TensorPrimitives.Dot(_fSums, _norms) / rows;
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        double mse = l2 / rows;
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);

        if (sparse)
            SparseBackward(p, grad, xc, xhat, rows, width, (float)(lambda / rows), threads);
        else
            Backward(p, grad, xc, xhat, f, rows, (float)(lambda / rows), threads);
        return new StepLoss(mse + lambda * l1, l2 / variance, mse, active / (double)rows, l1);
    }

    private void Backward(SaeParameters p, SaeParameters grad, Span<float> xc, Span<float> r, Span<float> f, int rows, float l1Scale, int threads)
    {
        // ∂MSE/∂x̂ = 2·r / B, written over the residual: G [rows, d]
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        // ∂W_dec = fᵀ·G + L1 term
        Gemm.MultiplyAtB(f, r, grad.DecoderWeight, _n, _d, rows, threads: threads);
        BatchMath.AddL1DecoderGradient(p.DecoderWeight, _norms, _fSums, l1Scale, _d, grad.DecoderWeight);
        // ∂pre [rows, n] = G·W_decᵀ + (λ/B)·‖W_dec,i‖ where pre > 0 (f > 0), else 0
        var gradPre = _gradPre.AsSpan(0, rows * _n);
        Gemm.MultiplyABt(r, p.DecoderWeight, gradPre, rows, _n, _d, threads: threads);
        // with ∂b_enc = Σ_b ∂pre
        ReluL1.Backward(f, gradPre, _norms, l1Scale, rows, _n, grad.EncoderBias, threads);
        // encoder: ∂W_enc = ∂preᵀ·xc; b_dec through xc = x − b_dec
        Gemm.MultiplyAtB(gradPre, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, grad.EncoderBias, _d, grad.DecoderBias);
    }

    private void SparseBackward(SaeParameters p, SaeParameters grad, Span<float> xc, Span<float> r, int rows, int width, float l1Scale, int threads)
    {
        int slots = rows * width;
        Span<float> values = _values.AsSpan(0, slots), gv = _gradValues.AsSpan(0, slots);
        Span<int> indices = _indices.AsSpan(0, slots);
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        // ∂f at the active slots = G·W_dec[idx] + (λ/B)·‖W_dec,i‖; padding slots (value 0) get 0
        SparseOps.GatherDot(r, indices, p.DecoderWeight, rows, width, _n, _d, gv, threads);
        for (int s = 0; s < slots; s++)
            gv[s] = values[s] > 0f ? gv[s] + l1Scale * _norms[indices[s]] : 0f;
        _workspace.Build(indices, rows, width, _n);
        Array.Clear(grad.DecoderWeight);
        SparseOps.ScatterAddRows(values, r, _d, grad.DecoderWeight, [], _workspace, threads);
        BatchMath.AddL1DecoderGradient(p.DecoderWeight, _norms, _fSums, l1Scale, _d, grad.DecoderWeight);
        Array.Clear(grad.EncoderWeight);
        Array.Clear(grad.EncoderBias);
        SparseOps.ScatterAddRows(gv, xc, _d, grad.EncoderWeight, grad.EncoderBias, _workspace, threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, grad.EncoderBias, _d, grad.DecoderBias);
    }

    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads) =>
        EncodeRelu(p, x, rows, activations, threads);

    /// <summary>f [rows, n] = relu((x − b_dec)·W_encᵀ + b_enc), as the training forward computes it (allocates; for inference).</summary>
    internal static void EncodeRelu(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> f, int threads)
    {
        int n = p.Latents, d = p.Dimension;
        var xc = new float[rows * d];
        BatchMath.SubtractRows(x[..(rows * d)], p.DecoderBias, rows, xc);
        f = f[..(rows * n)];
        Gemm.MultiplyABt(xc, p.EncoderWeight, f, rows, n, d, threads: threads);
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * n, n);
            TensorPrimitives.Add(row, p.EncoderBias, row);
            TensorPrimitives.Max(row, 0f, row);
        }
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads)
    {
        // SAELens' standard SAE has no decoder constraint
    }

    public void ConstrainParameters(SaeParameters p, int threads)
    {
    }

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[rows * _d];
        _f = new float[rows * _n];
        _gradPre = new float[rows * _n];
        _counts = new int[rows];
    }

    private void EnsureSparse(int slots)
    {
        if (_values.Length >= slots)
            return;
        _values = new float[slots];
        _gradValues = new float[slots];
        _indices = new int[slots];
    }
}
