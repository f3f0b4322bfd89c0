using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// TopK SAE as sparsify trains it. Forward: pre = relu((x − b_dec)·W_encᵀ + b_enc), keep the k
/// largest per token, x̂ = Σ v·W_dec[idx] + b_dec; loss = FVU = Σ‖x̂ − x‖² / Σ‖x − mean(x)‖²,
/// plus FVU(top 4k)/8 with Multi-TopK, plus α·AuxK (dead latents' top d/2 fit the residual) when
/// α &gt; 0. Backward is sparse: only selected latents get gradient (<see cref="SparseTerm"/>).
/// b_dec gets gradient from every decode (+b_dec) and from the encoder input (x − b_dec).
/// </summary>
internal sealed class TopKModel : ISaeModel
{
    private readonly int _n, _d, _k;
    private readonly SparseTerm _main, _multi, _aux;
    private readonly float[] _row, _mean;
    private float[] _xc = [], _deadWeight = [], _deadBias = [];
    private int[] _deadIndex = [];

    public TopKModel(SaeConfig config)
    {
        Config = config;
        (_n, _d, _k) = (config.Latents, config.Dimension, config.K);
        (_main, _multi, _aux) = (new SparseTerm(_n, _d), new SparseTerm(_n, _d), new SparseTerm(_n, _d));
        _row = new float[_d];
        _mean = new float[_d];
    }

    public SaeConfig Config { get; }

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

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        x = x[..(rows * _d)];
        if (_xc.Length < rows * _d)
            _xc = new float[rows * _d];
        var xc = _xc.AsSpan(0, rows * _d);
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Encode(p, xc, rows, threads);

        // main reconstruction: residual r = x̂ − x, FVU = Σr² / total variance
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        _main.Decode(p, rows, threads);
        double fvu = _main.ResidualAgainst(x, rows, add: false) / variance;
        double loss = fvu;
        if (Config.AuxKAlpha > 0)
            loss += AuxForward(p, xc, rows, tokensSinceFired, variance, threads);
        if (Config.MultiTopK)
        {
            _multi.Decode(p, rows, threads);
            double multiFvu = _multi.ResidualAgainst(x, rows, add: false) / variance;
            _multi.Scale(rows, (float)(2.0 / (8 * variance)));
            loss += multiFvu / 8;
        }
        _main.Scale(rows, (float)(2.0 / variance));

        foreach (var t in grad.Tensors)
            Array.Clear(t);
        _main.Backward(p, grad, xc, rows, threads);
        if (Config.MultiTopK)
            _multi.Backward(p, grad, xc, rows, threads);
        if (Config.AuxKAlpha > 0 && _aux.Width > 0)
            _aux.Backward(p, grad, xc, rows, threads);
        // xc = x − b_dec: ∂b_dec −= Σ_b Σ_j ∂pre[b,j]·W_enc[idx] = Σ_i ∂b_enc[i]·W_enc[i]
        for (int i = 0; i < _n; i++)
        {
            if (grad.EncoderBias[i] != 0f)
                TensorPrimitives.MultiplyAdd(p.EncoderWeight.AsSpan(i * _d, _d), -grad.EncoderBias[i], grad.DecoderBias, grad.DecoderBias);
        }

        var fired = _main.Workspace.FireCounts;
        for (int i = 0; i < _n; i++)
            fires[i] += fired[i];
        return new StepLoss(loss, fvu, fvu * variance / rows, CountPositive(_main.Values.AsSpan(0, rows * _k)) / (double)rows, 0);
    }

    /// <summary>Selects the top k (or 4k with Multi-TopK; the main term takes each row's first k, which are the top k).</summary>
    private void Encode(SaeParameters p, ReadOnlySpan<float> xc, int rows, int threads)
    {
        _main.Ensure(rows, _k);
        if (!Config.MultiTopK)
        {
            EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, _k, _main.Values.AsSpan(0, rows * _k), _main.Indices.AsSpan(0, rows * _k), threads);
            return;
        }
        int wide = Math.Min(4 * _k, _n);
        _multi.Ensure(rows, wide);
        EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, wide, _multi.Values.AsSpan(0, rows * wide), _multi.Indices.AsSpan(0, rows * wide), threads);
        for (int b = 0; b < rows; b++)
        {
            _multi.Values.AsSpan(b * wide, _k).CopyTo(_main.Values.AsSpan(b * _k, _k));
            _multi.Indices.AsSpan(b * wide, _k).CopyTo(_main.Indices.AsSpan(b * _k, _k));
        }
    }

    /// <summary>
    /// sparsify's AuxK: the top min(d/2, dead) dead latents (not selected for more than DeadTokens
    /// tokens) reconstruct the main residual e = x − x̂ (detached); loss α·scale·Σ(ê − e)²/variance with
    /// scale = min(dead/(d/2), 1). ê includes b_dec, as sparsify's decode does. Leaves G in the aux term.
    /// </summary>
    private double AuxForward(SaeParameters p, ReadOnlySpan<float> xc, int rows, ReadOnlySpan<long> tokensSinceFired, double variance, int threads)
    {
        int dead = CollectDead(p, tokensSinceFired), half = _d / 2;
        if (dead == 0 || half == 0)
        {
            _aux.Ensure(rows, 0);
            return 0;
        }
        int kAux = Math.Min(half, dead);
        double scale = Math.Min((double)dead / half, 1.0);
        _aux.Ensure(rows, kAux);
        var indices = _aux.Indices.AsSpan(0, rows * kAux);
        EncoderTopK.Forward(xc, _deadWeight.AsSpan(0, dead * _d), _deadBias.AsSpan(0, dead), rows, dead, _d, kAux, _aux.Values.AsSpan(0, rows * kAux), indices, threads);
        for (int i = 0; i < indices.Length; i++)
            indices[i] = _deadIndex[indices[i]];
        _aux.Decode(p, rows, threads);
        // ê − e = ê + r, with r = x̂ − x still in the main term
        double sum = _aux.ResidualAgainst(_main.Output.AsSpan(0, rows * _d), rows, add: true);
        _aux.Scale(rows, (float)(Config.AuxKAlpha * scale * 2.0 / variance));
        return Config.AuxKAlpha * scale * sum / variance;
    }

    private int CollectDead(SaeParameters p, ReadOnlySpan<long> tokensSinceFired)
    {
        int dead = 0;
        for (int i = 0; i < _n; i++)
        {
            if (tokensSinceFired[i] > Config.DeadTokens)
                dead++;
        }
        if (_deadIndex.Length < dead)
        {
            _deadIndex = new int[dead];
            _deadBias = new float[dead];
            _deadWeight = new float[dead * _d];
        }
        for (int i = 0, j = 0; i < _n; i++)
        {
            if (tokensSinceFired[i] <= Config.DeadTokens)
                continue;
            _deadIndex[j] = i;
            _deadBias[j] = p.EncoderBias[i];
            p.EncoderWeight.AsSpan(i * _d, _d).CopyTo(_deadWeight.AsSpan(j * _d, _d));
            j++;
        }
        return dead;
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
}
