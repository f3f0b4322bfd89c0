using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// Matryoshka BatchTopK as dictionary_learning's MatryoshkaBatchTopKTrainer trains it, with our
/// BatchTopK's sparsify recipe otherwise (init, unit decoder rows, FVU, AuxK, the inference threshold).
/// The dictionary is cut into consecutive groups G_1..G_L (<see cref="SaeConfig.Groups"/>). One batch
/// selection (<see cref="BatchSelection"/>: the k·B largest relu pre-activations of the batch) feeds L
/// nested reconstructions x̂_l = b_dec + Σ v_bi·W_dec,i over the selected (b, i) with i in G_1 ∪ … ∪ G_l,
/// so x̂_L is BatchTopK's reconstruction; loss = (1/L)·Σ_l FVU(x̂_l) + α·AuxK with
/// FVU(x̂) = Σ‖x̂ − x‖² / Σ‖x − mean(x)‖². dictionary_learning weights each level's squared error (summed
/// over d, averaged over the batch) by its group weight, 1/L by default, then takes the mean over the
/// levels: with equal weights Σ_l SSE_l / (B·L²). Ours divides by the batch's total variance instead, as
/// our BatchTopK does its one term: the same loss up to a constant scale (only AuxK's relative weight
/// differs, and its normalisation is sparsify's, as in our BatchTopK). AuxK fits the residual of the
/// full x̂_L, and the reported FVU is x̂_L's (the whole SAE).
/// </summary>
/// <remarks>
/// Backward stays sparse: a selected latent of group g is part of levels g..L, so its gradient is
/// that of the suffix sum S_g = Σ_{l≥g} G_l with G_l = ∂loss/∂x̂_l = 2(x̂_l − x)/(L·variance). Each
/// group's slots form one <see cref="SparseTerm"/> ([rows, width_g], padded with value-0 slots); group
/// g &gt; 1 decodes without b_dec and adds level g − 1's residual, giving level g's residual in place;
/// a backward sweep turns residual g into S_g and each term back-propagates it. b_dec enters every
/// level once, so its decode gradient is Σ_l Σ_b G_l = Σ_b S_1: only the first term adds its column
/// sums (<see cref="SparseTerm.AddsBias"/>). With one group this is BatchTopK, bit for bit.
/// </remarks>
internal sealed class MatryoshkaModel : ISaeModel
{
    private readonly int _n, _d;
    private readonly int[] _groupOf, _groupStart, _groupSize;
    private readonly SparseTerm _selection;
    private readonly SparseTerm[] _levels;
    private readonly double[] _squares;
    private readonly int[] _cursor;
    private readonly AuxKTerm _aux;
    private readonly BatchSelection _batch;
    private readonly float[] _row, _mean;
    private float[] _xc = [];
    private int[] _counts = [];

    public MatryoshkaModel(SaeConfig config)
    {
        Config = config;
        (_n, _d) = (config.Latents, config.Dimension);
        var groups = config.Groups;
        _groupOf = new int[_n];
        _groupStart = new int[groups.Count];
        _groupSize = groups.ToArray();
        for (int g = 0, start = 0; g < groups.Count; start += groups[g], g++)
        {
            _groupStart[g] = start;
            _groupOf.AsSpan(start, groups[g]).Fill(g);
        }
        // the selection's own Output is never used: the levels reconstruct
        _selection = new SparseTerm(_n, _d);
        _levels = Enumerable.Range(0, groups.Count).Select(g => new SparseTerm(_n, _d) { AddsBias = g == 0 }).ToArray();
        _squares = new double[groups.Count];
        _cursor = new int[groups.Count];
        _aux = new AuxKTerm(config, EncoderActivation.Relu);
        _batch = new BatchSelection(config);
        _row = new float[_d];
        _mean = new float[_d];
    }

    public SaeConfig Config { get; }

    public void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads) =>
        TopKModel.InitializeSparsify(p, seed, firstBatch, rows, threads);

    public StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads)
    {
        x = x[..(rows * _d)];
        if (_xc.Length < rows * _d)
            _xc = new float[rows * _d];
        var xc = _xc.AsSpan(0, rows * _d); // x − b_dec: [rows, d]
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        float minSelected = _batch.Select(p, xc, rows, _selection, threads);
        _batch.UpdateThreshold(p, step, minSelected);
        int active = SplitByGroup(rows);

        double variance = BatchMath.TotalVariance(x, rows, _mean, _row, threads);
        Reconstruct(p, x, rows, threads);
        int levels = _levels.Length;
        double loss = 0;
        foreach (double sum in _squares)
            loss += sum / (levels * variance);
        double fvu = _squares[^1] / variance;
        // AuxK fits the full reconstruction's residual, still in the last level's Output
        if (Config.AuxKAlpha > 0)
            loss += _aux.Forward(p, xc, rows, tokensSinceFired, variance, _levels[^1].Output, threads);
        SuffixSums(rows, (float)(2.0 / (levels * variance)));

        foreach (var t in grad.Tensors)
            Array.Clear(t);
        foreach (var level in _levels)
            level.Backward(p, grad, xc, rows, threads);
        if (Config.AuxKAlpha > 0 && _aux.Term.Width > 0)
            _aux.Term.Backward(p, grad, xc, rows, threads);
        BatchMath.SubtractEncoderInputGradient(p.EncoderWeight, grad.EncoderBias, p.Dimension, grad.DecoderBias);

        BatchSelection.CountFires(_selection, rows, fires);
        return new StepLoss(loss, fvu, _squares[^1] / rows, active / (double)rows, 0);
    }

    /// <summary>
    /// Copies the selection's kept slots (value &gt; 0) into the term of their latent's group, in the
    /// selection's order; each term is [rows, width_g] with width_g the most any token keeps in group
    /// g (at least 1), padded with value-0 slots (<see cref="Pad"/>). Returns the kept slots.
    /// </summary>
    private int SplitByGroup(int rows)
    {
        int levels = _levels.Length, width = _selection.Width, active = 0;
        if (_counts.Length < rows * levels)
            _counts = new int[rows * levels];
        var counts = _counts.AsSpan(0, rows * levels);
        counts.Clear();
        var values = _selection.Values.AsSpan(0, rows * width);
        var indices = _selection.Indices.AsSpan(0, rows * width);
        for (int s = 0; s < values.Length; s++)
        {
            if (values[s] > 0f)
            {
                counts[s / width * levels + _groupOf[indices[s]]]++;
                active++;
            }
        }
        for (int g = 0; g < levels; g++)
        {
            int widest = 1;
            for (int b = 0; b < rows; b++)
                widest = Math.Max(widest, counts[b * levels + g]);
            _levels[g].Ensure(rows, widest);
            _levels[g].Values.AsSpan(0, rows * widest).Clear();
        }
        for (int b = 0; b < rows; b++)
        {
            Array.Clear(_cursor);
            for (int s = b * width; s < (b + 1) * width; s++)
            {
                if (!(values[s] > 0f))
                    continue;
                int g = _groupOf[indices[s]];
                var term = _levels[g];
                int slot = b * term.Width + _cursor[g]++;
                term.Values[slot] = values[s];
                term.Indices[slot] = indices[s];
            }
            for (int g = 0; g < levels; g++)
                Pad(_levels[g], g, b);
        }
        return active;
    }

    /// <summary>
    /// Row b's unused slots of group g's term: value 0 at the group's latents in turn. They add exact
    /// zeros; spreading them keeps the latent-parallel scatter balanced (one latent would take them all).
    /// </summary>
    private void Pad(SparseTerm term, int g, int b)
    {
        int start = _groupStart[g], size = _groupSize[g], width = term.Width;
        for (int slot = b * width + _cursor[g]; slot < (b + 1) * width; slot++)
            term.Indices[slot] = start + slot % size;
    }

    /// <summary>Level g's Output = x̂_g − x ([rows, d]) for every g, and _squares[g] = Σ (x̂_g − x)².</summary>
    private void Reconstruct(SaeParameters p, ReadOnlySpan<float> x, int rows, int threads)
    {
        for (int g = 0; g < _levels.Length; g++)
        {
            var term = _levels[g];
            term.Decode(p, rows, threads);
            // level 1: b_dec + its latents − x; level g > 1: its latents + level g − 1's residual
            _squares[g] = g == 0
                ? term.ResidualAgainst(x, rows, add: false)
                : term.ResidualAgainst(_levels[g - 1].Output.AsSpan(0, rows * _d), rows, add: true);
        }
    }

    /// <summary>Residuals r_g → S_g = c·r_g + S_{g+1} (S_L = c·r_L), from the last level back; c = 2/(L·variance).</summary>
    private void SuffixSums(int rows, float c)
    {
        int size = rows * _d;
        _levels[^1].Scale(rows, c);
        for (int g = _levels.Length - 2; g >= 0; g--)
        {
            var r = _levels[g].Output.AsSpan(0, size);
            TensorPrimitives.MultiplyAdd(r, c, _levels[g + 1].Output.AsSpan(0, size), r);
        }
    }

    public void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads) =>
        BatchSelection.Encode(p, x, rows, activations, threads);

    public void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads) =>
        RowOps.ProjectOutParallel(grad.DecoderWeight, p.DecoderWeight, _n, _d, threads);

    public void ConstrainParameters(SaeParameters p, int threads) =>
        RowOps.NormalizeRows(p.DecoderWeight, _n, _d, threads);
}
