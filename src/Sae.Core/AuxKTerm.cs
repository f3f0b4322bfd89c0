using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// sparsify's AuxK term of a TopK-family SAE: the top min(d/2, dead) dead latents (not selected for
/// more than DeadTokens tokens) of each token reconstruct the main residual e = x − x̂ (detached);
/// loss α·scale·Σ(ê − e)²/variance with scale = min(dead/(d/2), 1). ê includes b_dec, as sparsify's
/// decode does. Dead latents are ranked by the model's activation (relu, or |pre| for AbsTopK).
/// </summary>
internal sealed class AuxKTerm
{
    private readonly SaeConfig _config;
    private readonly int _n, _d;
    private float[] _deadWeight = [], _deadBias = [];
    private int[] _deadIndex = [];
    private readonly EncoderActivation _activation;

    public AuxKTerm(SaeConfig config, EncoderActivation activation)
    {
        _config = config;
        (_n, _d, _activation) = (config.Latents, config.Dimension, activation);
        Term = new SparseTerm(_n, _d) { Signed = activation == EncoderActivation.AbsSigned };
    }

    /// <summary>The dead latents' reconstruction; after <see cref="Forward"/> its Output holds the gradient G.</summary>
    public SparseTerm Term { get; }

    /// <summary>
    /// Selects and decodes the dead latents, compares with the main residual r = x̂ − x (in
    /// <paramref name="mainResidual"/>, [rows, d]) and leaves G in <see cref="Term"/>; returns the term's loss.
    /// </summary>
    public double Forward(SaeParameters p, ReadOnlySpan<float> xc, int rows, ReadOnlySpan<long> tokensSinceFired, double variance,
        ReadOnlySpan<float> mainResidual, int threads)
    {
        int dead = CollectDead(p, tokensSinceFired), half = _d / 2;
        if (dead == 0 || half == 0)
        {
            Term.Ensure(rows, 0);
            return 0;
        }
        int kAux = Math.Min(half, dead);
        double scale = Math.Min((double)dead / half, 1.0);
        Term.Ensure(rows, kAux);
        var indices = Term.Indices.AsSpan(0, rows * kAux);
        EncoderTopK.Forward(xc, _deadWeight.AsSpan(0, dead * _d), _deadBias.AsSpan(0, dead), rows, dead, _d, kAux, Term.Values.AsSpan(0, rows * kAux), indices,
            _activation, threads);
        for (int i = 0; i < indices.Length; i++)
            indices[i] = _deadIndex[indices[i]];
        Term.Decode(p, rows, threads);
        // ê − e = ê + r, with r = x̂ − x still in the main term
        double sum = Term.ResidualAgainst(mainResidual[..(rows * _d)], rows, add: true);
        Term.Scale(rows, (float)(_config.AuxKAlpha * scale * 2.0 / variance));
        return _config.AuxKAlpha * scale * sum / variance;
    }

    private int CollectDead(SaeParameters p, ReadOnlySpan<long> tokensSinceFired)
    {
        int dead = 0;
        for (int i = 0; i < _n; i++)
        {
            if (tokensSinceFired[i] > _config.DeadTokens)
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
            if (tokensSinceFired[i] <= _config.DeadTokens)
                continue;
            _deadIndex[j] = i;
            _deadBias[j] = p.EncoderBias[i];
            p.EncoderWeight.AsSpan(i * _d, _d).CopyTo(_deadWeight.AsSpan(j * _d, _d));
            j++;
        }
        return dead;
    }
}
