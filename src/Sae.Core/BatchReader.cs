namespace Sae.Core;

/// <summary>
/// Cuts the activations into batches: step s takes positions [s·B, s·B + B) of the data order,
/// wrapping to the start for further epochs. The order is the file order, or, with a data seed, a
/// fresh permutation of all rows each epoch (<see cref="RowPermutation"/>). A batch depends only on
/// the step, so a resumed run reads exactly what an uninterrupted one would have.
/// </summary>
internal sealed class BatchReader
{
    private readonly IActivationSource _source;
    private readonly int _batchSize;
    private readonly ulong? _dataSeed;
    private RowPermutation? _permutation;
    private long _permutationEpoch = -1;

    public BatchReader(IActivationSource source, int batchSize, ulong? dataSeed = null)
    {
        _source = source;
        _batchSize = batchSize;
        _dataSeed = dataSeed;
    }

    /// <summary>First row of step <paramref name="step"/>'s batch (the data cursor).</summary>
    public long FirstRow(long step) => (long)(((UInt128)(ulong)step * (ulong)_batchSize) % (ulong)_source.Rows);

    /// <summary>Reads the batch of <paramref name="step"/> into <paramref name="destination"/> ([B, d]).</summary>
    public void Read(long step, Span<float> destination)
    {
        if (_dataSeed is { } seed)
        {
            ReadShuffled(step, seed, destination);
            return;
        }
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

    private void ReadShuffled(long step, ulong seed, Span<float> destination)
    {
        int d = _source.Dimension;
        long rows = _source.Rows;
        for (int j = 0; j < _batchSize; j++)
        {
            UInt128 global = (UInt128)(ulong)step * (ulong)_batchSize + (ulong)j;
            long epoch = (long)(global / (ulong)rows), position = (long)(global % (ulong)rows);
            if (epoch != _permutationEpoch)
            {
                _permutation = new RowPermutation(rows, seed, (ulong)epoch);
                _permutationEpoch = epoch;
            }
            _source.ReadRows(_permutation![position], destination.Slice(j * d, d));
        }
    }
}
