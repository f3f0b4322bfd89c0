namespace Sae.Core.Tests;

/// <summary>Activations held in an array (for unit tests of the trainer).</summary>
internal sealed class InMemoryActivations(float[] data, int dimension) : IActivationSource
{
    public string Description => "in-memory";

    public int Dimension => dimension;

    public long Rows => data.Length / dimension;

    public void ReadRows(long firstRow, Span<float> destination) =>
        data.AsSpan((int)(firstRow * dimension), destination.Length).CopyTo(destination);

    public void Dispose()
    {
    }

    public static InMemoryActivations Random(int rows, int dimension, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * dimension];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1) + (i % dimension) * 0.1f;
        return new InMemoryActivations(x, dimension);
    }
}
