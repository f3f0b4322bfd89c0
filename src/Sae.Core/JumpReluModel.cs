using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// JumpReLU SAE as SAELens' JumpReLUTrainingSAE trains it. Forward: pre = (x − b_dec)·W_encᵀ + b_enc,
/// f = pre·1[pre &gt; θ] with θ = exp(log_threshold) per latent, x̂ = f·W_dec + b_dec;
/// loss = MSE + λ₀·L0 with MSE = Σ_b ‖x̂_b − x_b‖² / B and L0 = Σ_b #{i: pre_bi &gt; θ_i} / B (λ₀ ramps
/// over the L0 warm-up). Backward (SAELens' straight-through estimator, rectangle kernel
/// R(u) = 1[−½ &lt; u &lt; ½], bandwidth ε): ∂pre = ∂f·1[pre &gt; θ]; ∂θ_i = Σ_b −(θ_i/ε)·R((pre_bi − θ_i)/ε)·∂f_bi
/// from the JumpReLU and Σ_b −(1/ε)·R(…)·λ₀/B from the L0 step; ∂log_threshold = θ·∂θ (through exp).
/// Adam trains log_threshold; the "threshold" tensor is exp(log_threshold), refreshed before every
/// step and after every update, and is what the weights file holds (SAELens' inference layout).
/// SAELens' initialisation (as ReLU+L1), log_threshold = log(init threshold); no decoder constraint.
/// Dense GEMMs throughout (every pre within ε/2 below θ needs its ∂f, so the set of latents the
/// backward touches is wider than the active set).
/// </summary>
internal sealed class JumpReluModel : ISaeModel
{
    /// <summary>The trained parameter (checkpoints only).</summary>
    public const string LogThresholdName = "log_threshold";

    /// <summary>θ = exp(log_threshold), SAELens' saved name.</summary>
    public const string ThresholdName = "threshold";

    private readonly int _n, _d;
    private readonly float _bandwidth;
    private readonly float[] _mean, _row, _thetaGrad;
    private float[] _xc = [], _pre = [], _f = [], _xhat = [], _gradF = [];

    public JumpReluModel(SaeConfig config)
    {
        Config = config;
        (_n, _d) = (config.Latents, config.Dimension);
        _bandwidth = (float)config.JumpReluBandwidth;
        _mean = new float[_d];
        _row = new float[_d];
        _thetaGrad = new float[_n];
    }

    public SaeConfig Config { get; }

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads)
    {
        ReluL1Model.InitializeSaeLens(p, seed, threads);
        // torch.ones(n) * np.log(init): the float64 logarithm rounded to float32
        Array.Fill(p.Extra(LogThresholdName), (float)Math.Log(Config.JumpReluInitThreshold));
        SyncThreshold(p);
    }

    /// <summary>threshold = exp(log_threshold) in float32, element by element with the C library's expf (TensorPrimitives.Exp is an approximation: exp(0) ≠ 1).</summary>
    private static void SyncThreshold(SaeParameters p)
    {
        var log = p.Extra(LogThresholdName);
        var theta = p.Extra(ThresholdName);
        for (int i = 0; i < log.Length; i++)
            theta[i] = MathF.Exp(log[i]);
    }

    /// <summary>After loading a weights file (which holds threshold): log_threshold = log(threshold), for completeness (inference uses threshold).</summary>
    public static void DeriveLogThreshold(SaeParameters p)
    {
        var log = p.Extra(LogThresholdName);
        var theta = p.Extra(ThresholdName);
        for (int i = 0; i < log.Length; i++)
            log[i] = MathF.Log(theta[i]);
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        Ensure(rows);
        x = x[..(rows * _d)];
        Span<float> xc = _xc.AsSpan(0, rows * _d), pre = _pre.AsSpan(0, rows * _n), f = _f.AsSpan(0, rows * _n), xhat = _xhat.AsSpan(0, rows * _d);
        SyncThreshold(p);
        var theta = p.Extra(ThresholdName);

        // encode: pre = (x − b_dec)·W_encᵀ + b_enc; f = pre where pre > θ, else 0
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, pre, rows, _n, _d, threads: threads);
        long active = 0;
        for (int b = 0; b < rows; b++)
        {
            var preRow = pre.Slice(b * _n, _n);
            var fRow = f.Slice(b * _n, _n);
            TensorPrimitives.Add(preRow, p.EncoderBias, preRow);
            for (int i = 0; i < _n; i++)
            {
                bool on = preRow[i] > theta[i];
                fRow[i] = on ? preRow[i] : 0f;
                if (on)
                {
                    active++;
                    fires[i]++;
                }
            }
        }

        // decode: x̂ = f·W_dec + b_dec, residual r = x̂ − x in place
        Gemm.MultiplyAB(f, p.DecoderWeight, xhat, rows, _d, _n, threads: threads);
        for (int b = 0; b < rows; b++)
            TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        double l2 = BatchMath.Residual(xhat, x);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        double lambda = Config.L0Coefficient * LearningRateSchedule.L1Factor(step, Config.L0WarmupSteps);
        double l0 = active / (double)rows;

        // ∂MSE/∂x̂ = 2r/B: b_dec, W_dec = fᵀG, ∂f = G·W_decᵀ
        var r = xhat;
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        Gemm.MultiplyAtB(f, r, grad.DecoderWeight, _n, _d, rows, threads: threads);
        var gradF = _gradF.AsSpan(0, rows * _n);
        Gemm.MultiplyABt(r, p.DecoderWeight, gradF, rows, _n, _d, threads: threads);

        // straight-through: θ gets −(θ/ε)·R·∂f (JumpReLU) − (1/ε)·R·λ₀/B (L0 step); pre gets ∂f where it fired
        float stepGrad = (float)(lambda / rows);
        float inverseBandwidth = 1f / _bandwidth;
        Array.Clear(_thetaGrad);
        for (int b = 0; b < rows; b++)
        {
            var preRow = pre.Slice(b * _n, _n);
            var gRow = gradF.Slice(b * _n, _n);
            for (int i = 0; i < _n; i++)
            {
                float u = (preRow[i] - theta[i]) / _bandwidth;
                if (u > -0.5f && u < 0.5f)
                    _thetaGrad[i] += -(theta[i] / _bandwidth) * gRow[i] - inverseBandwidth * stepGrad;
                if (!(preRow[i] > theta[i]))
                    gRow[i] = 0f;
            }
        }
        // threshold = exp(log_threshold): ∂log_threshold = θ·∂θ
        TensorPrimitives.Multiply(_thetaGrad, theta, grad.Extra(LogThresholdName));
        Array.Clear(grad.Extra(ThresholdName));

        // encoder: ∂W_enc = ∂preᵀ·xc, ∂b_enc = Σ_b ∂pre; b_dec through xc = x − b_dec
        Gemm.MultiplyAtB(gradF, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        BatchMath.ColumnSums(gradF, rows, grad.EncoderBias);
        for (int i = 0; i < _n; i++)
        {
            if (grad.EncoderBias[i] != 0f)
                TensorPrimitives.MultiplyAdd(p.EncoderWeight.AsSpan(i * _d, _d), -grad.EncoderBias[i], grad.DecoderBias, grad.DecoderBias);
        }
        double mse = l2 / rows;
        return new StepLoss(mse + lambda * l0, l2 / variance, mse, l0, 0);
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads)
    {
        // SAELens' JumpReLU SAE has no decoder constraint
    }

    /// <summary>After the update: threshold follows the new log_threshold.</summary>
    public void ConstrainParameters(SaeParameters p, int threads) => SyncThreshold(p);

    /// <summary>Inference as SAELens' JumpReLUSAE: relu(pre) where pre &gt; threshold.</summary>
    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads) =>
        BatchSelection.Encode(p, x, rows, activations, threads);

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[rows * _d];
        _pre = new float[rows * _n];
        _f = new float[rows * _n];
        _gradF = new float[rows * _n];
    }
}
