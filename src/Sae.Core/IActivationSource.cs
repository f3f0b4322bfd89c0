namespace Sae.Core;

/// <summary>Activations to train on: rows of width <see cref="Dimension"/>, read by global row index.</summary>
public interface IActivationSource : IDisposable
{
    /// <summary>Where the rows come from, for messages.</summary>
    string Description { get; }

    /// <summary>d: values per row.</summary>
    int Dimension { get; }

    /// <summary>Number of rows.</summary>
    long Rows { get; }

    /// <summary>Reads rows [firstRow, firstRow + destination.Length / d) into destination ([count, d]).</summary>
    void ReadRows(long firstRow, Span<float> destination);
}
