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
    private readonly int _n, _d;
    private readonly float[] _norms, _fSums;
    private readonly float[] _mean, _row;
    private float[] _xc = [], _f = [], _xhat = [], _gradPre = [];

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

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads)
    {
        RandomFill.KaimingUniform(p.DecoderWeight, _d, seed, stream: 0, threads);
        RowOps.NormalizeRows(p.DecoderWeight, _n, _d, threads);
        TensorPrimitives.Multiply(p.DecoderWeight, DecoderInitNorm, p.DecoderWeight);
        // SAELens stores W_enc [d, n] = W_decᵀ; in our [n, d] layout that is the same matrix
        p.DecoderWeight.CopyTo(p.EncoderWeight, 0);
        Array.Clear(p.EncoderBias);
        Array.Clear(p.DecoderBias);
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires, int threads)
    {
        Ensure(rows);
        Span<float> xc = _xc.AsSpan(0, rows * _d), xhat = _xhat.AsSpan(0, rows * _d), f = _f.AsSpan(0, rows * _n);
        x = x[..(rows * _d)];

        // encode: f [rows, n] = relu((x − b_dec)·W_encᵀ + b_enc)
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, f, rows, _n, _d, threads: threads);
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * _n, _n);
            TensorPrimitives.Add(row, p.EncoderBias, row);
            TensorPrimitives.Max(row, 0f, row);
        }
        // decode: x̂ [rows, d] = f·W_dec + b_dec; residual r = x̂ − x in place
        Gemm.MultiplyAB(f, p.DecoderWeight, xhat, rows, _d, _n, threads: threads);
        for (int b = 0; b < rows; b++)
            TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        double l2 = BatchMath.Residual(xhat, x);

        RowOps.RowNorms(p.DecoderWeight, _n, _d, _norms, threads);
        BatchMath.ColumnSums(f, rows, _fSums);
        double l1 = TensorPrimitives.Dot(_fSums, _norms) / rows;
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        double mse = l2 / rows;
        long active = CountActive(f, fires);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);

        Backward(p, grad, xc, xhat, f, rows, (float)(lambda / rows), threads);
        return new StepLoss(mse + lambda * l1, l2 / variance, mse, active / (double)rows, l1);
    }

    private void Backward(SaeParameters p, SaeParameters grad, Span<float> xc, Span<float> r, Span<float> f, int rows, float l1Scale, int threads)
    {
        // ∂MSE/∂x̂ = 2·r / B, written over the residual: G [rows, d]
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        // ∂W_dec = fᵀ·G + (λ/B)·(Σ_b f_bi)·W_dec,i/‖W_dec,i‖
        Gemm.MultiplyAtB(f, r, grad.DecoderWeight, _n, _d, rows, threads: threads);
        for (int i = 0; i < _n; i++)
        {
            if (_norms[i] > 0f && _fSums[i] != 0f)
            {
                var row = p.DecoderWeight.AsSpan(i * _d, _d);
                TensorPrimitives.MultiplyAdd(row, l1Scale * _fSums[i] / _norms[i], grad.DecoderWeight.AsSpan(i * _d, _d), grad.DecoderWeight.AsSpan(i * _d, _d));
            }
        }
        // ∂pre [rows, n] = G·W_decᵀ + (λ/B)·‖W_dec,i‖ where pre > 0 (f > 0), else 0
        var gradPre = _gradPre.AsSpan(0, rows * _n);
        Gemm.MultiplyABt(r, p.DecoderWeight, gradPre, rows, _n, _d, threads: threads);
        for (int b = 0; b < rows; b++)
        {
            var gRow = gradPre.Slice(b * _n, _n);
            var fRow = f.Slice(b * _n, _n);
            for (int i = 0; i < _n; i++)
                gRow[i] = fRow[i] > 0f ? gRow[i] + l1Scale * _norms[i] : 0f;
        }
        // encoder: ∂W_enc = ∂preᵀ·xc, ∂b_enc = Σ_b ∂pre; b_dec through xc = x − b_dec
        Gemm.MultiplyAtB(gradPre, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        BatchMath.ColumnSums(gradPre, rows, grad.EncoderBias);
        for (int i = 0; i < _n; i++)
        {
            if (grad.EncoderBias[i] != 0f)
                TensorPrimitives.MultiplyAdd(p.EncoderWeight.AsSpan(i * _d, _d), -grad.EncoderBias[i], grad.DecoderBias, grad.DecoderBias);
        }
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads)
    {
        // SAELens' standard SAE has no decoder constraint
    }

    public void ConstrainParameters(SaeParameters p, int threads)
    {
    }

    private long CountActive(ReadOnlySpan<float> f, Span<long> fires)
    {
        long active = 0;
        int rows = f.Length / _n;
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * _n, _n);
            for (int i = 0; i < _n; i++)
            {
                if (row[i] > 0f)
                {
                    fires[i]++;
                    active++;
                }
            }
        }
        return active;
    }

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[rows * _d];
        _f = new float[rows * _n];
        _gradPre = new float[rows * _n];
    }
}
