namespace Sae.Core;

/// <summary>
/// The tensors of an SAE, named and shaped as in sparsify (also used for their gradients and Adam
/// moments): encoder.weight [n, d], encoder.bias [n], W_dec [n, d], b_dec [d], then the
/// architecture's extra per-latent tensors ([n] each, <see cref="SaeExtraTensor"/>) in the order
/// its registry entry lists them. SAELens stores W_enc transposed ([d, n]); the file code converts.
/// </summary>
public sealed class SaeParameters
{
    private readonly float[][] _tensors;
    private readonly string[] _names;
    private readonly float[][] _trained;

    /// <summary>Allocates zeroed tensors for <paramref name="latents"/> latents of dimension <paramref name="dimension"/>.</summary>
    public SaeParameters(int latents, int dimension)
        : this(latents, dimension, [])
    {
    }

    /// <summary>Allocates zeroed tensors: the four of every SAE and one [n] tensor per entry of <paramref name="extras"/>.</summary>
    public SaeParameters(int latents, int dimension, IReadOnlyList<SaeExtraTensor> extras)
    {
        ArgumentNullException.ThrowIfNull(extras);
        Latents = latents;
        Dimension = dimension;
        EncoderWeight = new float[(long)latents * dimension];
        EncoderBias = new float[latents];
        DecoderWeight = new float[(long)latents * dimension];
        DecoderBias = new float[dimension];
        Extras = extras.ToArray();
        var extraData = Extras.Select(_ => new float[latents]).ToArray();
        _tensors = [EncoderWeight, EncoderBias, DecoderWeight, DecoderBias, .. extraData];
        _names = [.. Names, .. Extras.Select(e => e.Name)];
        _trained = [EncoderWeight, EncoderBias, DecoderWeight, DecoderBias, .. extraData.Where((_, i) => Extras[i].Trained)];
        if (_names.Distinct(StringComparer.Ordinal).Count() != _names.Length)
            throw new ArgumentException($"extra tensor names must differ from each other and from {string.Join(", ", Names)}.", nameof(extras));
    }

    /// <summary>n.</summary>
    public int Latents { get; }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>encoder.weight, [n, d].</summary>
    public float[] EncoderWeight { get; }

    /// <summary>encoder.bias, [n].</summary>
    public float[] EncoderBias { get; }

    /// <summary>W_dec, [n, d].</summary>
    public float[] DecoderWeight { get; }

    /// <summary>b_dec, [d].</summary>
    public float[] DecoderBias { get; }

    /// <summary>The architecture's extra tensors, in <see cref="Tensors"/> order after the first four.</summary>
    public IReadOnlyList<SaeExtraTensor> Extras { get; }

    /// <summary>
    /// Every tensor in a fixed order (encoder.weight, encoder.bias, W_dec, b_dec, then the extras): the
    /// order of checkpoints and files.
    /// </summary>
    public IReadOnlyList<float[]> Tensors => _tensors;

    /// <summary>The name of each tensor of <see cref="Tensors"/>.</summary>
    public IReadOnlyList<string> TensorNames => _names;

    /// <summary>The tensors Adam trains, in <see cref="Tensors"/> order: the four, then the trained extras. Gradient clipping sums over these.</summary>
    public IReadOnlyList<float[]> TrainedTensors => _trained;

    /// <summary>sparsify's names of the four tensors every SAE has, in <see cref="Tensors"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["encoder.weight", "encoder.bias", "W_dec", "b_dec"];

    /// <summary>The extra tensor called <paramref name="name"/>, [n].</summary>
    /// <exception cref="KeyNotFoundException">This SAE has no such extra tensor.</exception>
    public float[] Extra(string name)
    {
        for (int i = 0; i < Extras.Count; i++)
        {
            if (Extras[i].Name == name)
                return _tensors[4 + i];
        }
        throw new KeyNotFoundException($"this SAE has no tensor {name}.");
    }

    /// <summary>The shape of <see cref="Tensors"/>[<paramref name="tensor"/>]: [n, d], [n], [n, d], [d], then [n] per extra.</summary>
    public long[] Shape(int tensor) => tensor switch
    {
        0 or 2 => [Latents, Dimension],
        3 => [Dimension],
        _ => [Latents],
    };

    /// <summary>Sets every tensor to zero.</summary>
    public void Clear()
    {
        foreach (var t in Tensors)
            Array.Clear(t);
    }

    /// <summary>A deep copy.</summary>
    public SaeParameters Clone()
    {
        var copy = new SaeParameters(Latents, Dimension, Extras);
        for (int i = 0; i < _tensors.Length; i++)
            _tensors[i].CopyTo(copy._tensors[i], 0);
        return copy;
    }
}
