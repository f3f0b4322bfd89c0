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
/// dense (measured on the recovery data: L0 ≈ 870 of 1024, best cosine 0.38).
/// SAELens' initialisation (as ReLU+L1) with r_mag = b_mag = 0; no decoder constraint.
/// Dense GEMMs; f and relu(π_gate) are decoded together as one [2B, n] matrix.
/// </summary>
internal sealed class GatedModel : ISaeModel
{
    /// <summary>The magnitude path's per-latent log scale of W_enc.</summary>
    public const string RMagName = "r_mag";

    /// <summary>The magnitude path's bias.</summary>
    public const string BMagName = "b_mag";

    private readonly int _n, _d;
    private readonly float[] _mean, _row, _norms, _gateSums, _scale, _sumsZ;
    // x [rows, d] − b_dec; z [rows, n]; acts [2·rows, n] = f then relu(π_gate); xhat [2·rows, d] = x̂ then the gate-only x̂
    private float[] _xc = [], _z = [], _acts = [], _xhat = [], _gradActs = [];

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
        long active = Activate(p, _scale, z, f, gate, rows, fires);

        // decode both: [x̂; x̂_gate] [2·rows, d] = [f; relu(π_gate)]·W_dec + b_dec, then residuals in place
        Gemm.MultiplyAB(acts, p.DecoderWeight, xhat, 2 * rows, _d, _n, threads: threads);
        for (int b = 0; b < 2 * rows; b++)
            TensorPrimitives.Add(xhat.Slice(b * _d, _d), p.DecoderBias, xhat.Slice(b * _d, _d));
        double l2 = BatchMath.Residual(xhat[..(rows * _d)], x);
        double l2Gate = BatchMath.Residual(xhat[(rows * _d)..], x);

        RowOps.RowNorms(p.DecoderWeight, _n, _d, _norms, threads);
        BatchMath.ColumnSums(gate, rows, _gateSums);
        double l1 = TensorPrimitives.Dot(_gateSums, _norms) / rows;
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);

        Backward(p, grad, xc, z, acts, xhat, rows, (float)(lambda / rows), threads);
        double mse = l2 / rows;
        return new StepLoss(mse + lambda * l1 + l2Gate / rows, l2 / variance, mse, active / (double)rows, l1);
    }

    /// <summary>
    /// f = relu(π_mag) where π_gate &gt; 0, else 0, and gate = relu(π_gate), from z (each [rows, n]);
    /// scale = exp(r_mag). Unless <paramref name="fires"/> is empty, counts each latent's tokens with
    /// f &gt; 0 into it. Returns the number of f &gt; 0.
    /// </summary>
    private static long Activate(SaeParameters p, ReadOnlySpan<float> scale, ReadOnlySpan<float> z, Span<float> f, Span<float> gate, int rows,
        Span<long> fires)
    {
        int n = p.Latents;
        var bMag = p.Extra(BMagName);
        long active = 0;
        for (int b = 0; b < rows; b++)
        {
            var zRow = z.Slice(b * n, n);
            var fRow = f.Slice(b * n, n);
            var gRow = gate.Slice(b * n, n);
            TensorPrimitives.Add(zRow, p.EncoderBias, gRow);
            TensorPrimitives.MultiplyAdd(zRow, scale, bMag, fRow);
            for (int i = 0; i < n; i++)
            {
                if (!(gRow[i] > 0f))
                {
                    gRow[i] = 0f;
                    fRow[i] = 0f;
                }
                else if (fRow[i] > 0f)
                {
                    active++;
                    if (!fires.IsEmpty)
                        fires[i]++;
                }
                else
                {
                    fRow[i] = 0f;
                }
            }
        }
        return active;
    }

    /// <summary>
    /// The residuals r = x̂ − x and r_gate = x̂_gate − x are in xhat ([2·rows, d]); overwrites z with ∂z.
    /// </summary>
    private void Backward(SaeParameters p, SaeParameters grad, ReadOnlySpan<float> xc, Span<float> z, Span<float> acts, Span<float> xhat,
        int rows, float l1Scale, int threads)
    {
        int half = rows * _n;
        // ∂MSE/∂x̂ = 2r/B and ∂AUX/∂x̂_gate = 2r_gate/B: [2·rows, d]
        TensorPrimitives.Multiply(xhat, 2f / rows, xhat);
        // b_dec and W_dec from both reconstructions: ∂W_dec = [f; relu(π_gate)]ᵀ·[G; G_gate] + the L1 term
        BatchMath.ColumnSums(xhat, 2 * rows, grad.DecoderBias);
        Gemm.MultiplyAtB(acts, xhat, grad.DecoderWeight, _n, _d, 2 * rows, threads: threads);
        AddL1DecoderGradient(p, grad, l1Scale);
        // [∂f; ∂relu(π_gate)] [2·rows, n] = [G; G_gate]·W_decᵀ
        var gradActs = _gradActs.AsSpan(0, 2 * half);
        Gemm.MultiplyABt(xhat, p.DecoderWeight, gradActs, 2 * rows, _n, _d, threads: threads);
        GateAndMagnitudeGradients(grad, z, acts, gradActs, rows, l1Scale);
        // encoder: ∂W_enc = ∂zᵀ·xc; b_dec through xc = x − b_dec
        Gemm.MultiplyAtB(z, xc, grad.EncoderWeight, _n, _d, rows, threads: threads);
        for (int i = 0; i < _n; i++)
        {
            if (_sumsZ[i] != 0f)
                TensorPrimitives.MultiplyAdd(p.EncoderWeight.AsSpan(i * _d, _d), -_sumsZ[i], grad.DecoderBias, grad.DecoderBias);
        }
    }

    /// <summary>
    /// Where π_gate &gt; 0: ∂π_gate = ∂relu(π_gate) + (λ/B)·‖W_dec,i‖ and ∂π_mag = ∂f where f &gt; 0 (else 0);
    /// ∂b_gate = Σ_b ∂π_gate, ∂b_mag = Σ_b ∂π_mag, ∂r_mag = exp(r)·Σ_b ∂π_mag·z, and z is overwritten with
    /// ∂z = ∂π_gate + exp(r)·∂π_mag (batch sums in row order). Also _sumsZ = Σ_b ∂z.
    /// </summary>
    private void GateAndMagnitudeGradients(SaeParameters grad, Span<float> z, ReadOnlySpan<float> acts, ReadOnlySpan<float> gradActs, int rows, float l1Scale)
    {
        int half = rows * _n;
        Span<float> gradGate = grad.EncoderBias, gradMag = grad.Extra(BMagName), gradR = grad.Extra(RMagName);
        gradGate.Clear();
        gradMag.Clear();
        gradR.Clear();
        for (int b = 0; b < rows; b++)
        {
            int o = b * _n;
            for (int i = 0; i < _n; i++)
            {
                float dz = 0f;
                if (acts[half + o + i] > 0f)
                {
                    float dGate = gradActs[half + o + i] + l1Scale * _norms[i];
                    float dMag = acts[o + i] > 0f ? gradActs[o + i] : 0f;
                    gradGate[i] += dGate;
                    gradMag[i] += dMag;
                    gradR[i] += dMag * z[o + i];
                    dz = dGate + _scale[i] * dMag;
                }
                z[o + i] = dz;
            }
        }
        TensorPrimitives.Multiply(gradR, _scale, gradR);
        // Σ_b ∂z = ∂b_gate + exp(r)·∂b_mag
        TensorPrimitives.MultiplyAdd(gradMag, _scale, gradGate, _sumsZ);
    }

    /// <summary>∂W_dec,i += (λ/B)·(Σ_b relu(π_gate)_bi)·W_dec,i/‖W_dec,i‖ (the derivative of the norm-weighted L1).</summary>
    private void AddL1DecoderGradient(SaeParameters p, SaeParameters grad, float l1Scale)
    {
        for (int i = 0; i < _n; i++)
        {
            if (_norms[i] > 0f && _gateSums[i] != 0f)
            {
                var g = grad.DecoderWeight.AsSpan(i * _d, _d);
                TensorPrimitives.MultiplyAdd(p.DecoderWeight.AsSpan(i * _d, _d), l1Scale * _gateSums[i] / _norms[i], g, g);
            }
        }
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
        Activate(p, scale, z, activations[..(rows * _n)], gate, rows, []);
    }

    private void Ensure(int rows)
    {
        if (_xc.Length >= rows * _d)
            return;
        _xc = new float[rows * _d];
        _xhat = new float[2 * rows * _d];
        _z = new float[rows * _n];
        _acts = new float[2 * rows * _n];
        _gradActs = new float[2 * rows * _n];
    }
}
