using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>How a TopK-family model picks the active latents.</summary>
internal enum TopKSelection
{
    /// <summary>sparsify's TopK: the k largest relu pre-activations of every token.</summary>
    PerToken,

    /// <summary>BatchTopK: the k·B largest relu pre-activations of the whole batch (see <see cref="BatchSelection"/>).</summary>
    Batch,

    /// <summary>AbsTopK: the k pre-activations of every token largest in magnitude, kept with their sign (no relu).</summary>
    PerTokenAbs,
}

/// <summary>
/// TopK-family SAE as sparsify trains it. Forward: pre = relu((x − b_dec)·W_encᵀ + b_enc), keep the k
/// largest per token (or, for BatchTopK, the k·B largest of the batch; for AbsTopK, pre without relu
/// and the k largest |pre| with their sign), x̂ = Σ v·W_dec[idx] + b_dec;
/// loss = FVU = Σ‖x̂ − x‖² / Σ‖x − mean(x)‖², plus FVU(top 4k)/8 with Multi-TopK, plus α·AuxK (dead
/// latents' top d/2 fit the residual) when α &gt; 0. Backward is sparse: only selected latents get
/// gradient (<see cref="SparseTerm"/>). b_dec gets gradient from every decode (+b_dec) and from the
/// encoder input (x − b_dec).
/// </summary>
internal sealed class TopKModel : ISaeModel
{
    private readonly int _n, _d, _k;
    private readonly TopKSelection _selection;
    private readonly EncoderActivation _activation;
    private readonly SparseTerm _main, _multi;
    private readonly AuxKTerm _aux;
    private readonly BatchSelection? _batch;
    private readonly float[] _row, _mean;
    private float[] _xc = [];

    public TopKModel(SaeConfig config, TopKSelection selection = TopKSelection.PerToken)
    {
        Config = config;
        (_n, _d, _k, _selection) = (config.Latents, config.Dimension, config.K, selection);
        _activation = selection == TopKSelection.PerTokenAbs ? EncoderActivation.AbsSigned : EncoderActivation.Relu;
        bool signed = _activation == EncoderActivation.AbsSigned;
        (_main, _multi) = (new SparseTerm(_n, _d) { Signed = signed }, new SparseTerm(_n, _d) { Signed = signed });
        _aux = new AuxKTerm(config, _activation);
        _batch = selection == TopKSelection.Batch ? new BatchSelection(config) : null;
        _row = new float[_d];
        _mean = new float[_d];
    }

    public SaeConfig Config { get; }

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads) =>
        InitializeSparsify(p, seed, firstBatch, rows, threads);

    /// <summary>sparsify's TopK init, shared by the TopK family (Matryoshka included): x is [rows, d].</summary>
    internal static void InitializeSparsify(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads)
    {
        int n = p.Latents, d = p.Dimension;
        // nn.Linear(d, n): weight Kaiming-uniform with bound 1/√d; sparsify then zeroes the bias
        RandomFill.KaimingUniform(p.EncoderWeight, d, seed, stream: 0, threads);
        Array.Clear(p.EncoderBias);
        // W_dec = copy of W_enc with unit rows; b_dec = mean of the first batch (science.md)
        p.EncoderWeight.CopyTo(p.DecoderWeight, 0);
        RowOps.NormalizeRows(p.DecoderWeight, n, d, threads);
        ColumnOps.ColumnMeans(firstBatch[..(rows * d)], rows, d, p.DecoderBias, threads);
        // BatchTopK's inference threshold starts at 0 (plain relu) until it is first measured
        foreach (var extra in p.Tensors.Skip(4))
            Array.Clear(extra);
    }

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        x = x[..(rows * _d)];
        if (_xc.Length < rows * _d)
            _xc = new float[rows * _d];
        var xc = _xc.AsSpan(0, rows * _d);
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Encode(p, xc, rows, step, threads);

        // main reconstruction: residual r = x̂ − x, FVU = Σr² / total variance
        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        _main.Decode(p, rows, threads);
        double fvu = _main.ResidualAgainst(x, rows, add: false) / variance;
        double loss = fvu;
        if (Config.AuxKAlpha > 0)
            loss += _aux.Forward(p, xc, rows, tokensSinceFired, variance, _main.Output, threads);
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
        if (Config.AuxKAlpha > 0 && _aux.Term.Width > 0)
            _aux.Term.Backward(p, grad, xc, rows, threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, grad.EncoderBias, _d, grad.DecoderBias);

        CountFires(rows, fires);
        var selected = _main.Values.AsSpan(0, rows * _main.Width);
        return new StepLoss(loss, fvu, fvu * variance / rows, CountActive(selected) / (double)rows, 0);
    }

    /// <summary>Selects the top k (or 4k with Multi-TopK; the main term takes each row's first k, which are the top k), or the batch's top k·B.</summary>
    private void Encode(SaeParameters p, ReadOnlySpan<float> xc, int rows, long step, int threads)
    {
        if (_batch is not null)
        {
            float minSelected = _batch.Select(p, xc, rows, _main, threads);
            _batch.UpdateThreshold(p, step, minSelected);
            return;
        }
        _main.Ensure(rows, _k);
        if (!Config.MultiTopK)
        {
            EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, _k, _main.Values.AsSpan(0, rows * _k), _main.Indices.AsSpan(0, rows * _k),
                _activation, threads);
            return;
        }
        int wide = Math.Min(4 * _k, _n);
        _multi.Ensure(rows, wide);
        EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, wide, _multi.Values.AsSpan(0, rows * wide), _multi.Indices.AsSpan(0, rows * wide),
            _activation, threads);
        for (int b = 0; b < rows; b++)
        {
            _multi.Values.AsSpan(b * wide, _k).CopyTo(_main.Values.AsSpan(b * _k, _k));
            _multi.Indices.AsSpan(b * wide, _k).CopyTo(_main.Indices.AsSpan(b * _k, _k));
        }
    }

    /// <summary>
    /// fires[i] += tokens that selected latent i: every selected slot for sparsify's TopK and AbsTopK
    /// (its did_fire marks top_indices), the non-zero slots for BatchTopK (the rest is padding).
    /// </summary>
    private void CountFires(int rows, Span<long> fires)
    {
        if (_selection != TopKSelection.Batch)
        {
            var fired = _main.Workspace.FireCounts;
            for (int i = 0; i < _n; i++)
                fires[i] += fired[i];
            return;
        }
        BatchSelection.CountFires(_main, rows, fires);
    }

    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads)
    {
        if (_selection == TopKSelection.Batch)
        {
            BatchSelection.Encode(p, x, rows, activations, threads);
            return;
        }
        var xc = new float[rows * _d];
        BatchMath.SubtractRows(x[..(rows * _d)], p.DecoderBias, rows, xc);
        var values = new float[rows * _k];
        var indices = new int[rows * _k];
        EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, _k, values, indices, _activation, threads);
        activations[..(rows * _n)].Clear();
        for (int s = 0; s < values.Length; s++)
            activations[s / _k * _n + indices[s]] = values[s];
    }

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads) =>
        RowOps.ProjectOutParallel(grad.DecoderWeight, p.DecoderWeight, _n, _d, threads);

    public void ConstrainParameters(SaeParameters p, int threads) =>
        RowOps.NormalizeRows(p.DecoderWeight, _n, _d, threads);

    /// <summary>L0's numerator: positive values (relu; BatchTopK's padding is 0), or non-zero ones for AbsTopK.</summary>
    private int CountActive(ReadOnlySpan<float> values)
    {
        bool signed = _activation == EncoderActivation.AbsSigned;
        int count = 0;
        foreach (float v in values)
        {
            if (v > 0f || (signed && v != 0f))
                count++;
        }
        return count;
    }
}
