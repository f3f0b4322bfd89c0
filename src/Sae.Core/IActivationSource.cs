namespace Sae.Core;

/// <summary>
/// Training activations as one logical matrix [<see cref="Rows"/>, <see cref="Dimension"/>] with
/// random access by global row index — across shard boundaries for sharded data. The trainer reads
/// batches by row range and records the row cursor for an exact resume; any shuffling is the
/// trainer's, over row or batch indices. Implementations read on demand (memory stays bounded) and
/// allow concurrent <see cref="ReadRows"/> calls.
/// </summary>
public interface IActivationSource : IDisposable
{
    /// <summary>One line for logs: where the data comes from, rows, d and dtype.</summary>
    string Description { get; }

    /// <summary>d: values per row (the SAE's input dimension d_in).</summary>
    int Dimension { get; }

    /// <summary>Total number of rows.</summary>
    long Rows { get; }

    /// <summary>
    /// destination [count, d] = rows [firstRow, firstRow + count) as float32, count =
    /// destination.Length / d. Every value is checked to be finite.
    /// </summary>
    /// <exception cref="ArgumentException">destination is not whole rows, or the range is outside [0, Rows).</exception>
    /// <exception cref="SaeInputException">A value is NaN or ±Inf ("FILE: tensor T row R (global row G) column C is NaN"), or a file changed since it was opened.</exception>
    void ReadRows(long firstRow, Span<float> destination);
}
