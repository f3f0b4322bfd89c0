namespace Sae.Core;

/// <summary>
/// An <see cref="IActivationSource"/> over one or more shard files in a fixed order: global row r
/// lies in the shard whose cumulative row range contains it. Reads are positional reads of the
/// needed rows only, followed by a vectorised finite check.
/// </summary>
internal sealed class ShardedActivationSource : IActivationSource
{
    private readonly ActivationShard[] shards;
    private readonly long[] starts; // starts[i] = global index of shard i's first row; starts[^1] = Rows

    /// <summary>Takes ownership of <paramref name="shards"/> (disposes them, also when validation fails).</summary>
    /// <exception cref="SaeInputException">No shards or rows, d differs between shards, or d ≠ <paramref name="expectedDimension"/>.</exception>
    public ShardedActivationSource(string path, IReadOnlyList<ActivationShard> shards, int? expectedDimension)
    {
        this.shards = [.. shards];
        try
        {
            Dimension = Validate(path, this.shards, expectedDimension);
        }
        catch
        {
            Dispose();
            throw;
        }
        starts = new long[this.shards.Length + 1];
        for (int i = 0; i < this.shards.Length; i++)
            starts[i + 1] = starts[i] + this.shards[i].Region.Rows;
        Rows = starts[^1];
        string dtypes = string.Join("/", this.shards.Select(s => DTypes.Name(s.Region.DType)).Distinct());
        Description = $"{path}: {this.shards.Length} shard(s), {Rows} rows × d = {Dimension}, {dtypes}";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public long Rows { get; }

    /// <summary>The shards in order (for <c>sae data inspect</c>).</summary>
    public IReadOnlyList<ActivationShard> Shards => shards;

    /// <inheritdoc/>
    public void ReadRows(long firstRow, Span<float> destination)
    {
        long count = destination.Length / Dimension;
        if (count * Dimension != destination.Length)
            throw new ArgumentException($"destination length {destination.Length} is not a multiple of d = {Dimension}.", nameof(destination));
        if (firstRow < 0 || firstRow > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"rows [{firstRow}, {firstRow + count}) are outside [0, {Rows}).");
        int s = ShardOf(firstRow);
        for (long row = firstRow, done = 0; done < count; s++)
        {
            var region = shards[s].Region;
            long local = row - starts[s];
            long take = Math.Min(count - done, region.Rows - local);
            var part = destination.Slice((int)(done * Dimension), (int)(take * Dimension));
            region.ReadRows(local, part);
            CheckFinite(region, local, row, part);
            row += take;
            done += take;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in shards)
            s.Dispose();
    }

    /// <summary>The last shard whose first row is ≤ row (skips empty shards, which share their successor's start).</summary>
    private int ShardOf(long row)
    {
        int lo = 0, hi = shards.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (starts[mid] <= row)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }

    private void CheckFinite(TensorRegion region, long localRow, long globalRow, ReadOnlySpan<float> part)
    {
        int bad = NonFinite.IndexOf(part);
        if (bad < 0)
            return;
        long r = bad / Dimension;
        throw new SaeInputException(
            $"{region.Describe()} row {localRow + r} (global row {globalRow + r}) column {bad % Dimension} is {NonFinite.Describe(part[bad])}.");
    }

    private static int Validate(string path, ActivationShard[] shards, int? expected)
    {
        if (shards.Length == 0)
            throw new SaeInputException($"{path}: no .npy or .safetensors shards found.");
        var first = shards[0].Region;
        foreach (var s in shards)
        {
            if (s.Region.Cols != first.Cols)
                throw new SaeInputException($"{s.Region.Describe()} has d = {s.Region.Cols} but {first.Describe()} has d = {first.Cols}; all shards must share d.");
        }
        if (first.Cols is < 1 or > int.MaxValue)
            throw new SaeInputException($"{first.Describe()} has d = {first.Cols}; d must be between 1 and {int.MaxValue}.");
        if (expected is int e && first.Cols != e)
            throw new SaeInputException($"{first.Describe()} has d = {first.Cols} but d = {e} was expected.");
        if (shards.All(s => s.Region.Rows == 0))
            throw new SaeInputException($"{path}: holds no rows.");
        return (int)first.Cols;
    }
}
