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
/// The backward needs ∂f wherever a latent is active or its pre within ε/2 below θ (the window): with
/// at most n/8 such latents per token (a trained SAE) the step decodes and back-propagates on those
/// only, else with dense GEMMs.
/// </summary>
internal sealed class JumpReluModel : ISaeModel
{
    /// <summary>The trained parameter (checkpoints only).</summary>
    public const string LogThresholdName = "log_threshold";

    /// <summary>θ = exp(log_threshold), SAELens' saved name.</summary>
    public const string ThresholdName = "threshold";

    private readonly int _n, _d;
    private readonly float _bandwidth, _inverseBandwidth;
    private readonly float[] _mean, _row, _thetaGrad;
    private readonly SparseWorkspace _workspace = new();
    private float[] _xc = [], _pre = [], _f = [], _xhat = [], _gradF = [], _values = [], _gradValues = [];
    private int[] _indices = [], _counts = [];

    public JumpReluModel(SaeConfig config)
    {
        Config = config;
        (_n, _d) = (config.Latents, config.Dimension);
        _bandwidth = (float)config.JumpReluBandwidth;
        // torch: −(1.0 / bandwidth) in double, then float32 with the tensor
        _inverseBandwidth = (float)(1.0 / config.JumpReluBandwidth);
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
        Span<float> xc = _xc.AsSpan(0, rows * _d), pre = _pre.AsSpan(0, rows * _n), xhat = _xhat.AsSpan(0, rows * _d);
        SyncThreshold(p);
        var theta = p.Extra(ThresholdName);

        // encode: pre = (x − b_dec)·W_encᵀ + b_enc; a latent fires where pre > θ (f itself is formed by the path that needs it)
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, pre, rows, _n, _d, threads: threads);
        if (_counts.Length < rows)
            _counts = new int[rows];
        long active = JumpRelu.Scan(pre, p.EncoderBias, theta, _bandwidth, rows, _n, _counts, fires, threads);

        double lambda = Config.L0Coefficient * LearningRateSchedule.L1Factor(step, Config.L0WarmupSteps);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        float stepGrad = (float)(lambda / rows);
        Array.Clear(_thetaGrad);

        // the latents the backward needs per token: the active ones and those within ε/2 below θ (the window);
        // sparse when every token has at most n/8 of them (a trained SAE), else dense GEMMs. Either way a
        // choice of the data only, and θ's gradient sums in the same (token, latent) order.
        int width = 0;
        for (int b = 0; b < rows; b++)
            width = Math.Max(width, _counts[b]);
        bool sparse = width * ReluL1Model.SparseDensityLimit <= _n;
        double l2 = sparse
            ? SparseStep(p, grad, x, xc, pre, theta, rows, Math.Max(width, 1), stepGrad, threads)
            : DenseStep(p, grad, x, xc, pre, xhat, theta, rows, stepGrad, threads);
        // threshold = exp(log_threshold): ∂log_threshold = θ·∂θ
        TensorPrimitives.Multiply(_thetaGrad, theta, grad.Extra(LogThresholdName));
        Array.Clear(grad.Extra(ThresholdName));
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, grad.EncoderBias, _d, grad.DecoderBias);
        double mse = l2 / rows;
        double l0 = active / (double)rows;
        return new StepLoss(mse + lambda * l0, l2 / variance, mse, l0, 0);
    }

    /// <summary>Dense: f = pre where pre &gt; θ else 0, x̂ = f·W_dec + b_dec, ∂f = G·W_decᵀ over every latent; returns Σ‖x̂ − x‖².</summary>
    private double DenseStep(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> x, ReadOnlySpan<float> xc, ReadOnlySpan<float> pre,
        Span<float> xhat, float[] theta, int rows, float stepGrad, int threads)
    {
        // the two [rows, n] matrices only this path needs, allocated on its first use (a trained SAE runs sparse)
        if (_f.Length < rows * _n)
        {
            _f = new float[rows * _n];
            _gradF = new float[rows * _n];
        }
        var f = _f.AsSpan(0, rows * _n);
        JumpRelu.Activate(pre, theta, rows, _n, f, threads);
        Gemm.MultiplyAB(f, p.DecoderWeight, xhat, rows, _d, _n, threads: threads);
        for (int b = 0; b < rows; b++)
            TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        // residual r = x̂ − x in place, then ∂MSE/∂x̂ = G = 2r/B: b_dec, W_dec = fᵀG, ∂f = G·W_decᵀ
        double l2 = BatchMath.Residual(xhat, x);
        var r = xhat;
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        Gemm.MultiplyAtB(f, r, grad.DecoderWeight, _n, _d, rows, threads: threads);
        var gradF = _gradF.AsSpan(0, rows * _n);
        Gemm.MultiplyABt(r, p.DecoderWeight, gradF, rows, _n, _d, threads: threads);
        // θ's straight-through gradient, ∂f → ∂pre (zero where the latent does not fire) and ∂b_enc = Σ_b ∂pre
        JumpRelu.Backward(pre, gradF, theta, _bandwidth, _inverseBandwidth, stepGrad, rows, _n, _thetaGrad, grad.EncoderBias, threads);
        // encoder: ∂W_enc = ∂preᵀ·xc
        Gemm.MultiplyAtB(gradF, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        return l2;
    }

    /// <summary>Sparse: the same step on each token's slots (active latents and the window) only; returns Σ‖x̂ − x‖².</summary>
    private double SparseStep(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> x, ReadOnlySpan<float> xc, ReadOnlySpan<float> pre, float[] theta,
        int rows, int width, float stepGrad, int threads)
    {
        int slots = rows * width;
        if (_values.Length < slots)
        {
            _values = new float[slots];
            _gradValues = new float[slots];
            _indices = new int[slots];
        }
        Span<float> values = _values.AsSpan(0, slots), gv = _gradValues.AsSpan(0, slots);
        Span<int> indices = _indices.AsSpan(0, slots);
        JumpRelu.GatherSlots(pre, theta, _bandwidth, rows, _n, width, _counts, values, indices, threads);
        var xhat = _xhat.AsSpan(0, rows * _d);
        SparseOps.Decode(values, indices, p.DecoderWeight, p.DecoderBias, rows, width, _n, _d, xhat, threads);
        double l2 = BatchMath.Residual(xhat, x);
        var r = xhat;
        TensorPrimitives.Multiply(r, 2f / rows, r);
        BatchMath.ColumnSums(r, rows, grad.DecoderBias);
        SparseOps.GatherDot(r, indices, p.DecoderWeight, rows, width, _n, _d, gv, threads);
        for (int b = 0; b < rows; b++)
        {
            for (int s = b * width, end = s + _counts[b]; s < end; s++)
            {
                int i = indices[s];
                float v = pre[b * _n + i];
                AddThresholdGradient(i, v, gv[s], theta[i], stepGrad);
                if (!(v > theta[i]))
                    gv[s] = 0f;
            }
            // padding slots (value 0 at latent 0) pass nothing
            gv.Slice(b * width + _counts[b], width - _counts[b]).Clear();
        }
        _workspace.Build(indices, rows, width, _n);
        Array.Clear(grad.DecoderWeight);
        SparseOps.ScatterAddRows(values, r, _d, grad.DecoderWeight, [], _workspace, threads);
        Array.Clear(grad.EncoderWeight);
        Array.Clear(grad.EncoderBias);
        SparseOps.ScatterAddRows(gv, xc, _d, grad.EncoderWeight, grad.EncoderBias, _workspace, threads);
        return l2;
    }

    /// <summary>θ_i's straight-through gradient from one (token, latent): −(θ/ε)·∂f (JumpReLU) − (1/ε)·λ₀/B (L0 step) inside the window.</summary>
    private void AddThresholdGradient(int i, float pre, float gradF, float theta, float stepGrad)
    {
        float u = (pre - theta) / _bandwidth;
        if (u > -0.5f && u < 0.5f)
            _thetaGrad[i] += -(theta / _bandwidth) * gradF - _inverseBandwidth * stepGrad;
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
    }
}
