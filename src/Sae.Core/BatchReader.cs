namespace Sae.Core;

/// <summary>
/// Cuts the activations into batches in file order: step s reads rows [s·B, s·B + B) modulo the
/// number of rows, wrapping to the start for further epochs. A batch depends only on the step, so
/// a resumed run reads exactly what an uninterrupted one would have.
/// </summary>
internal sealed class BatchReader
{
    private readonly IActivationSource _source;
    private readonly int _batchSize;

    public BatchReader(IActivationSource source, int batchSize)
    {
        _source = source;
        _batchSize = batchSize;
    }

    /// <summary>First row of step <paramref name="step"/>'s batch (the data cursor).</summary>
    public long FirstRow(long step) => (long)(((UInt128)(ulong)step * (ulong)_batchSize) % (ulong)_source.Rows);

    /// <summary>Reads the batch of <paramref name="step"/> into <paramref name="destination"/> ([B, d]).</summary>
    public void Read(long step, Span<float> destination)
    {
        int d = _source.Dimension;
        long row = FirstRow(step);
        int done = 0;
        while (done < _batchSize)
        {
            int count = (int)Math.Min(_batchSize - done, _source.Rows - row);
            _source.ReadRows(row, destination.Slice(done * d, count * d));
            done += count;
            row = (row + count) % _source.Rows;
        }
    }
}
