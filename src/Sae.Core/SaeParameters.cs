namespace Sae.Core;

/// <summary>
/// The four tensors of an SAE, named and shaped as in sparsify (also used for their gradients and
/// Adam moments): encoder.weight [n, d], encoder.bias [n], W_dec [n, d], b_dec [d]. SAELens stores
/// W_enc transposed ([d, n]); the checkpoint code converts.
/// </summary>
public sealed class SaeParameters
{
    /// <summary>Allocates zeroed tensors for <paramref name="latents"/> latents of dimension <paramref name="dimension"/>.</summary>
    public SaeParameters(int latents, int dimension)
    {
        Latents = latents;
        Dimension = dimension;
        EncoderWeight = new float[(long)latents * dimension];
        EncoderBias = new float[latents];
        DecoderWeight = new float[(long)latents * dimension];
        DecoderBias = new float[dimension];
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

    /// <summary>The tensors in a fixed order (encoder.weight, encoder.bias, W_dec, b_dec): the order of clipping sums and checkpoints.</summary>
    public IReadOnlyList<float[]> Tensors => [EncoderWeight, EncoderBias, DecoderWeight, DecoderBias];

    /// <summary>sparsify's tensor names, in <see cref="Tensors"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["encoder.weight", "encoder.bias", "W_dec", "b_dec"];

    /// <summary>Sets every tensor to zero.</summary>
    public void Clear()
    {
        foreach (var t in Tensors)
            Array.Clear(t);
    }

    /// <summary>A deep copy.</summary>
    public SaeParameters Clone()
    {
        var copy = new SaeParameters(Latents, Dimension);
        for (int i = 0; i < 4; i++)
            Tensors[i].CopyTo(copy.Tensors[i], 0);
        return copy;
    }
}
