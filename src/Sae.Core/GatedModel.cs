using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// Gated SAE as SAELens' GatedTrainingSAE trains it. Forward: xc = x − b_dec, z = xc·W_encᵀ,
/// π_gate = z + b_gate (b_gate is encoder.bias), π_mag = exp(r_mag)⊙z + b_mag, f = 1[π_gate &gt; 0]·relu(π_mag),
/// x̂ = f·W_dec + b_dec. Loss = MSE + λ_s·L1 + AUX with MSE = Σ_b ‖x̂_b − x_b‖² / B,
/// L1 = Σ_b Σ_i relu(π_gate)_bi·‖W_dec,i‖ / B (λ_s ramps over the L1 warm-up) and
/// AUX = Σ_b ‖relu(π_gate)_b·W_dec + b_dec − x_b‖² / B. The Heaviside passes no gradient.
/// AUX is not detached from W_dec and b_dec: SAELens' calculate_aux_loss (every version) writes
/// pi_gate_act @ self.W_dec + self.b_dec, unlike the paper's frozen decoder copy. With SAELens'
/// unconstrained decoder that matters: detached, the L1 term shrinks the decoder rows unopposed
/// (exp(r_mag) makes up the magnitudes), the gate path can no longer reconstruct and training stalls
/// (measured on the recovery data, λ 0.1–1: row norms 0.1 → 0.01–0.03, mean best cosine 0.40–0.56).
/// SAELens' initialisation (as ReLU+L1) with r_mag = b_mag = 0; no decoder constraint.
/// Dense GEMMs (f and relu(π_gate) decoded as one [2B, n] matrix) until every token has at most n/8
/// gate-active latents; then decode and backward run on those latents only (as ReLU+L1's sparse path).
/// </summary>
internal sealed class GatedModel : ISaeModel
{
    /// <summary>The magnitude path's per-latent log scale of W_enc.</summary>
    public const string RMagName = "r_mag";

    /// <summary>The magnitude path's bias.</summary>
    public const string BMagName = "b_mag";

    private readonly int _n, _d;
    private readonly float[] _mean, _row, _norms, _gateSums, _scale, _sumsZ;
    private readonly SparseWorkspace _workspace = new();
    // xc = x − b_dec [rows, d]; z [rows, n]; acts [2·rows, n] = f then relu(π_gate); xhat [2·rows, d] = x̂ then x̂_gate
    private float[] _xc = [], _z = [], _acts = [], _xhat = [], _gradActs = [];
    // sparse path, each [rows, width] over the gate-active latents: relu(π_gate), f, their gradients, ∂z
    private float[] _gateValues = [], _fValues = [], _gradGateValues = [], _gradFValues = [], _gradZValues = [];
    private int[] _indices = [], _counts = [];

    public GatedModel(SaeConfig config)
    {
        Config = config;
        (_n, _d) = (config.Latents, config.Dimension);
        _mean = new float[_d];
        _row = new float[_d];
        _norms = new float[_n];
        _gateSums = new float[_n];
        _scale = new float[_n];
        _sumsZ = new float[_n];
    }

    public SaeConfig Config { get; }

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads)
    {
        ReluL1Model.InitializeSaeLens(p, seed, threads);
        Array.Clear(p.Extra(RMagName));
        Array.Clear(p.Extra(BMagName));
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        Ensure(rows);
        x = x[..(rows * _d)];
        int half = rows * _n;
        Span<float> xc = _xc.AsSpan(0, rows * _d), z = _z.AsSpan(0, half), acts = _acts.AsSpan(0, 2 * half), xhat = _xhat.AsSpan(0, 2 * rows * _d);
        Span<float> f = acts[..half], gate = acts[half..];

        // encode: z [rows, n] = (x − b_dec)·W_encᵀ; f and relu(π_gate) from it
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, z, rows, _n, _d, threads: threads);
        TensorPrimitives.Exp(p.Extra(RMagName), _scale);
        // with each token's gate-active latents (_counts), each latent's firing tokens and Σ_b relu(π_gate) (the L1's batch sums)
        long active = Gated.Activate(z, p.EncoderBias, _scale, p.Extra(BMagName), rows, _n, f, gate, _counts, fires, _gateSums, threads);

        // sparse when every token has at most n/8 gate-active latents (f and relu(π_gate) are zero elsewhere,
        // and so are all their gradients): decode and backward touch only those; else dense GEMMs.
        // The choice depends on the data only, never on the thread count.
        int width = 0;
        for (int b = 0; b < rows; b++)
            width = Math.Max(width, _counts[b]);
        bool sparse = width * ReluL1Model.SparseDensityLimit <= _n;
        if (sparse)
        {
            width = Math.Max(width, 1);
            GatherGateActive(f, gate, rows, width, threads);
            int slots = rows * width;
            Span<int> indices = _indices.AsSpan(0, slots);
            SparseOps.Decode(_fValues.AsSpan(0, slots), indices, p.DecoderWeight, p.DecoderBias, rows, width, _n, _d, xhat[..(rows * _d)], threads);
            SparseOps.Decode(_gateValues.AsSpan(0, slots), indices, p.DecoderWeight, p.DecoderBias, rows, width, _n, _d, xhat[(rows * _d)..], threads);
        }
        else
        {
            // [x̂; x̂_gate] [2·rows, d] = [f; relu(π_gate)]·W_dec + b_dec
            Gemm.MultiplyAB(acts, p.DecoderWeight, xhat, 2 * rows, _d, _n, threads: threads);
            for (int b = 0; b < 2 * rows; b++)
                TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        }
        // residuals r = x̂ − x and r_gate = x̂_gate − x in place
        double l2 = BatchMath.Residual(xhat[..(rows * _d)], x);
        double l2Gate = BatchMath.Residual(xhat[(rows * _d)..], x);

        RowOps.RowNorms(p.DecoderWeight, _n, _d, _norms, threads);
        double l1 = TensorPrimitives.Dot(_gateSums, _norms) / rows;
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);

        if (sparse)
            SparseBackward(p, grad, xc, z, xhat, rows, width, (float)(lambda / rows), threads);
        else
            Backward(p, grad, xc, z, acts, xhat, rows, (float)(lambda / rows), threads);
        double mse = l2 / rows;
        return new StepLoss(mse + lambda * l1 + l2Gate / rows, l2 / variance, mse, active / (double)rows, l1);
    }

    /// <summary>The gate-active latents of each row (relu(π_gate) &gt; 0) as [rows, width] slots: indices, relu(π_gate) and f (0 in padding).</summary>
    private void GatherGateActive(ReadOnlySpan<float> f, ReadOnlySpan<float> gate, int rows, int width, int threads)
    {
        EnsureSparse(rows * width);
        ActiveSet.Gather(gate, f, rows, _n, width, _counts, _gateValues, _fValues, _indices, threads);
    }

    /// <summary>Dense backward; the residuals r, r_gate are in xhat ([2·rows, d]); overwrites z with ∂z.</summary>
    private void Backward(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> xc, Span<float> z, Span<float> acts, Span<float> xhat,
        int rows, float l1Scale, int threads)
    {
        int half = rows * _n;
        // ∂MSE/∂x̂ = 2r/B and ∂AUX/∂x̂_gate = 2r_gate/B: [G; G_gate] [2·rows, d]
        TensorPrimitives.Multiply(xhat, 2f / rows, xhat);
        // b_dec and W_dec from both reconstructions: ∂W_dec = [f; relu(π_gate)]ᵀ·[G; G_gate] + the L1 term
        BatchMath.ColumnSums(xhat, 2 * rows, grad.DecoderBias);
        Gemm.MultiplyAtB(acts, xhat, grad.DecoderWeight, _n, _d, 2 * rows, threads: threads);
        BatchMath.AddL1DecoderGradient(p.DecoderWeight, _norms, _gateSums, l1Scale, _d, grad.DecoderWeight);
        // [∂f; ∂relu(π_gate)] [2·rows, n] = [G; G_gate]·W_decᵀ
        // allocated on first use: a trained SAE (sparse path) never needs this [2·rows, n] matrix
        if (_gradActs.Length < 2 * half)
            _gradActs = new float[2 * half];
        var gradActs = _gradActs.AsSpan(0, 2 * half);
        Gemm.MultiplyABt(xhat, p.DecoderWeight, gradActs, 2 * rows, _n, _d, threads: threads);
        // z becomes ∂z; ∂b_gate, ∂b_mag and Σ_b ∂π_mag·z summed over the tokens in order
        Gated.Backward(z, acts[half..], acts[..half], gradActs[half..], gradActs[..half], _norms, _scale, l1Scale, rows, _n,
            grad.EncoderBias, grad.Extra(BMagName), grad.Extra(RMagName), threads);
        ScaleMagnitudeGradients(grad);
        // encoder: ∂W_enc = ∂zᵀ·xc
        Gemm.MultiplyAtB(z, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, _sumsZ, _d, grad.DecoderBias);
    }

    /// <summary>Backward on the gate-active slots; the same terms as <see cref="Backward"/>, gathered and scattered by latent.</summary>
    private void SparseBackward(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> xc, ReadOnlySpan<float> z, Span<float> xhat,
        int rows, int width, float l1Scale, int threads)
    {
        int slots = rows * width;
        Span<float> gateValues = _gateValues.AsSpan(0, slots), fValues = _fValues.AsSpan(0, slots);
        Span<float> gradGateValues = _gradGateValues.AsSpan(0, slots), gradFValues = _gradFValues.AsSpan(0, slots), gradZ = _gradZValues.AsSpan(0, slots);
        Span<int> indices = _indices.AsSpan(0, slots);
        ReadOnlySpan<float> g = xhat[..(rows * _d)], gGate = xhat[(rows * _d)..];
        TensorPrimitives.Multiply(xhat, 2f / rows, xhat);
        BatchMath.ColumnSums(xhat, 2 * rows, grad.DecoderBias);
        // ∂f and ∂relu(π_gate) at the slots: G·W_dec[idx] and G_gate·W_dec[idx]
        SparseOps.GatherDot(g, indices, p.DecoderWeight, rows, width, _n, _d, gradFValues, threads);
        SparseOps.GatherDot(gGate, indices, p.DecoderWeight, rows, width, _n, _d, gradGateValues, threads);
        _workspace.Build(indices, rows, width, _n);
        Array.Clear(grad.DecoderWeight);
        SparseOps.ScatterAddRows(fValues, g, _d, grad.DecoderWeight, [], _workspace, threads);
        SparseOps.ScatterAddRows(gateValues, gGate, _d, grad.DecoderWeight, [], _workspace, threads);
        BatchMath.AddL1DecoderGradient(p.DecoderWeight, _norms, _gateSums, l1Scale, _d, grad.DecoderWeight);
        SparseGateAndMagnitudeGradients(grad, z, gateValues, fValues, gradGateValues, gradFValues, indices, rows, width, l1Scale, gradZ);
        ScaleMagnitudeGradients(grad);
        Array.Clear(grad.EncoderWeight);
        SparseOps.ScatterAddRows(gradZ, xc, _d, grad.EncoderWeight, [], _workspace, threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, _sumsZ, _d, grad.DecoderBias);
    }

    /// <summary>
    /// <see cref="Gated.Backward"/> over [rows, width] slots (latent i = indices[s]): where relu(π_gate) &gt; 0,
    /// ∂π_gate = ∂relu(π_gate) + (λ/B)·‖W_dec,i‖, ∂π_mag = ∂f where f &gt; 0 (else 0); ∂b_gate = Σ_b ∂π_gate,
    /// ∂b_mag = Σ_b ∂π_mag, ∂r_mag = Σ_b ∂π_mag·z until <see cref="ScaleMagnitudeGradients"/> (batch sums in row
    /// order); gradZ[s] = ∂z = ∂π_gate + exp(r)·∂π_mag (0 elsewhere).
    /// </summary>
    private void SparseGateAndMagnitudeGradients(SaeParameters grad, ReadOnlySpan<float> z, ReadOnlySpan<float> gate, ReadOnlySpan<float> f,
        ReadOnlySpan<float> gradGate, ReadOnlySpan<float> gradF, ReadOnlySpan<int> indices, int rows, int width, float l1Scale, Span<float> gradZ)
    {
        Span<float> gradBGate = grad.EncoderBias, gradBMag = grad.Extra(BMagName), gradR = grad.Extra(RMagName);
        gradBGate.Clear();
        gradBMag.Clear();
        gradR.Clear();
        for (int b = 0; b < rows; b++)
        {
            for (int j = 0; j < width; j++)
            {
                int s = b * width + j, i = indices[s];
                float dz = 0f;
                if (gate[s] > 0f)
                {
                    float dGate = gradGate[s] + l1Scale * _norms[i];
                    float dMag = f[s] > 0f ? gradF[s] : 0f;
                    gradBGate[i] += dGate;
                    gradBMag[i] += dMag;
                    gradR[i] += dMag * z[b * _n + i];
                    dz = dGate + _scale[i] * dMag;
                }
                gradZ[s] = dz;
            }
        }
    }

    /// <summary>∂r_mag = exp(r)·Σ_b ∂π_mag·z, and _sumsZ = Σ_b ∂z = ∂b_gate + exp(r)·∂b_mag.</summary>
    private void ScaleMagnitudeGradients(SaeParameters grad)
    {
        var gradR = grad.Extra(RMagName);
        TensorPrimitives.Multiply(gradR, _scale, gradR);
        TensorPrimitives.MultiplyAdd(grad.Extra(BMagName), _scale, grad.EncoderBias, _sumsZ);
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads)
    {
        // SAELens' Gated SAE has no decoder constraint
    }

    public void ConstrainParameters(SaeParameters p, int threads)
    {
    }

    /// <summary>Inference as SAELens' GatedSAE.encode: f = 1[π_gate &gt; 0]·relu(π_mag), dense [rows, n], as in training (allocates).</summary>
    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads)
    {
        var xc = new float[rows * _d];
        var z = new float[rows * _n];
        var gate = new float[rows * _n];
        var scale = new float[_n];
        BatchMath.SubtractRows(x[..(rows * _d)], p.DecoderBias, rows, xc);
        Gemm.MultiplyABt(xc, p.EncoderWeight, z, rows, _n, _d, threads: threads);
        TensorPrimitives.Exp(p.Extra(RMagName), scale);
        Gated.Activate(z, p.EncoderBias, scale, p.Extra(BMagName), rows, _n, activations[..(rows * _n)], gate, new int[rows], new long[_n],
            new float[_n], threads);
    }

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[2 * rows * _d];
        _z = new float[rows * _n];
        _acts = new float[2 * rows * _n];
        _counts = new int[rows];
    }

    private void EnsureSparse(int slots)
    {
        if (_gateValues.Length >= slots)
            return;
        _gateValues = new float[slots];
        _fValues = new float[slots];
        _gradGateValues = new float[slots];
        _gradFValues = new float[slots];
        _gradZValues = new float[slots];
        _indices = new int[slots];
    }
}
