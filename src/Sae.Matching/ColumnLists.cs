using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Sae.Numerics;

namespace Sae.Matching;

/// <summary>
/// One worker's running top-k rows of every column, fed a row at a time. A column's heap lives in
/// values/indices[j·k .. (j+1)·k) (a <see cref="TopKSelector"/> min-heap, worst at slot 0), and
/// <c>_threshold</c>[j] is that worst value once the heap is full (−∞ before): a row segment is compared
/// against the thresholds with SIMD and only entries that reach them (≥, so ties are left to the
/// selector's exact order) are offered. After the first few hundred rows almost nothing passes, so
/// the column direction costs one vector compare per similarity.
/// </summary>
internal sealed class ColumnLists
{
    private readonly int _k;
    private readonly float[] _values;
    private readonly int[] _indices;
    private readonly int[] _count;
    private readonly float[] _threshold;

    /// <summary>Empty lists of length <paramref name="k"/> for <paramref name="columns"/> columns.</summary>
    public ColumnLists(int columns, int k)
    {
        _k = k;
        _values = new float[(long)columns * k];
        _indices = new int[(long)columns * k];
        _count = new int[columns];
        _threshold = new float[columns];
        _threshold.AsSpan().Fill(float.NegativeInfinity);
    }

    /// <summary>Offers similarities of row <paramref name="row"/> to columns j0 .. j0 + segment.Length − 1.</summary>
    public void Offer(ReadOnlySpan<float> segment, int j0, int row)
    {
        ref float s = ref MemoryMarshal.GetReference(segment);
        ref float t = ref _threshold[j0];
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= segment.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pass = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref s, (nuint)i), Vector512.LoadUnsafe(ref t, (nuint)i));
                ulong mask = pass.ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    Take(segment.Slice(i + lane, 1), j0 + i + lane, row);
                }
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= segment.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pass = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref s, (nuint)i), Vector256.LoadUnsafe(ref t, (nuint)i));
                uint mask = pass.ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    Take(segment.Slice(i + lane, 1), j0 + i + lane, row);
                }
            }
        }
        for (; i < segment.Length; i++)
        {
            if (segment[i] >= Unsafe.Add(ref t, i))
                Take(segment.Slice(i, 1), j0 + i, row);
        }
    }

    /// <summary>
    /// The k best rows of every column over all workers' lists, sorted best first: values and
    /// indices [columns, k]. Exact whatever rows each worker saw (the order is total), so the result
    /// does not depend on how rows were shared out. Every column must have seen at least k rows in all.
    /// </summary>
    public static (float[] Values, int[] Indices) Merge(IReadOnlyList<ColumnLists> workers, int columns, int k, int threads)
    {
        var values = new float[(long)columns * k];
        var indices = new int[(long)columns * k];
        const int Chunk = 1024;
        Parallel.For(0, (columns + Chunk - 1) / Chunk, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            for (int j = c * Chunk; j < Math.Min(columns, (c + 1) * Chunk); j++)
            {
                var v = values.AsSpan(j * k, k);
                var ix = indices.AsSpan(j * k, k);
                var selector = new TopKSelector(v, ix);
                foreach (var worker in workers)
                {
                    for (int e = 0; e < worker._count[j]; e++)
                        selector.Offer(new ReadOnlySpan<float>(in worker._values[(j * k) + e]), worker._indices[(j * k) + e]);
                }
                selector.Finish(v, ix);
            }
        });
        return (values, indices);
    }

    private void Take(ReadOnlySpan<float> one, int column, int row)
    {
        var values = _values.AsSpan(column * _k, _k);
        var selector = TopKSelector.Resume(values, _indices.AsSpan(column * _k, _k), _count[column]);
        selector.Offer(one, row);
        _count[column] = selector.Count;
        if (selector.Count == _k)
            _threshold[column] = values[0];
    }
}
