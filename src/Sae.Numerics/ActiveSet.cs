using System.Numerics;

namespace Sae.Numerics;

/// <summary>
/// The positive entries of an activation matrix f [rows, n] (a ReLU's, or a Gated SAE's gate) as a
/// padded sparse matrix: values/indices [rows, width] with width ≥ the largest row count; a row's
/// unused slots hold value 0 at index 0 (they add exact zeros in the sparse kernels). Rows are
/// independent, so <see cref="Gather(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, Span{float}, Span{int}, int)"/>
/// runs over fixed chunks of rows (<see cref="RowChunks.RowsPerChunk"/>) on any number of threads
/// with the same result.
/// </summary>
public static unsafe class ActiveSet
{
    /// <summary>
    /// Writes each row's positive entries of <paramref name="f"/> in increasing index order, then zero
    /// padding, into values/indices [rows, width]. <paramref name="counts"/> are the rows' positive
    /// entries (as <see cref="ReluL1.Forward"/> and <see cref="Gated.Activate"/> count them), each at most <paramref name="width"/>.
    /// </summary>
    public static void Gather(ReadOnlySpan<float> f, int rows, int n, int width, ReadOnlySpan<int> counts, Span<float> values, Span<int> indices,
        int threads) =>
        Gather(f, [], rows, n, width, counts, values, [], indices, threads);

    /// <summary>
    /// As <see cref="Gather(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, Span{float}, Span{int}, int)"/> over the
    /// positive entries of <paramref name="key"/>, also copying the same entries of <paramref name="paired"/>
    /// [rows, n] into <paramref name="pairedValues"/> [rows, width] (0 in padding): a Gated SAE's f at its
    /// gate-active latents.
    /// </summary>
    public static void Gather(ReadOnlySpan<float> key, ReadOnlySpan<float> paired, int rows, int n, int width, ReadOnlySpan<int> counts,
        Span<float> values, Span<float> pairedValues, Span<int> indices, int threads)
    {
        Check.NonNegative(rows);
        Check.Positive(n);
        Check.Positive(width);
        Check.AtLeast(key.Length, (long)rows * n, "rows·n", nameof(key));
        bool withPaired = !paired.IsEmpty;
        if (withPaired)
        {
            Check.AtLeast(paired.Length, (long)rows * n, "rows·n", nameof(paired));
            Check.AtLeast(pairedValues.Length, (long)rows * width, "rows·width", nameof(pairedValues));
        }
        Check.AtLeast(values.Length, (long)rows * width, "rows·width", nameof(values));
        Check.AtLeast(indices.Length, (long)rows * width, "rows·width", nameof(indices));
        Check.AtLeast(counts.Length, rows, "rows", nameof(counts));
        Check.Threads(threads);
        for (int b = 0; b < rows; b++)
        {
            if (counts[b] > width)
                throw new ArgumentOutOfRangeException(nameof(width), width, $"row {b} has {counts[b]} active entries, more than width {width}.");
        }
        int per = RowChunks.RowsPerChunk(n);
        fixed (float* pKey = key, pPaired = paired, pValues = values, pPairedValues = pairedValues)
        fixed (int* pIndices = indices)
        {
            float* ks = pKey, ps = pPaired, vs = pValues, pvs = pPairedValues;
            int* ids = pIndices;
            Partition.For(Partition.Count(rows, per), threads, c =>
            {
                int first = c * per, last = Math.Min(rows, first + per);
                for (int b = first; b < last; b++)
                {
                    GatherRow(ks + ((long)b * n), withPaired ? ps + ((long)b * n) : null, n,
                        vs + ((long)b * width), withPaired ? pvs + ((long)b * width) : null, ids + ((long)b * width), width);
                }
            });
        }
    }

    private static void GatherRow(float* key, float* paired, int n, float* values, float* pairedValues, int* indices, int width)
    {
        new Span<float>(values, width).Clear();
        new Span<int>(indices, width).Clear();
        if (paired != null)
            new Span<float>(pairedValues, width).Clear();
        int w = Vector<float>.Count, j = 0, slot = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // a trained SAE's rows are mostly zero: whole vectors with no positive entry are skipped
            for (; j <= n - w; j += w)
            {
                var on = Vector.GreaterThan(Vector.Load(key + j), Vector<float>.Zero);
                if (on == Vector<int>.Zero)
                    continue;
                for (int l = 0; l < w; l++)
                {
                    if (on[l] != 0)
                        Put(key, paired, values, pairedValues, indices, j + l, slot++);
                }
            }
        }
        for (; j < n; j++)
        {
            if (key[j] > 0f)
                Put(key, paired, values, pairedValues, indices, j, slot++);
        }
    }

    private static void Put(float* key, float* paired, float* values, float* pairedValues, int* indices, int i, int slot)
    {
        values[slot] = key[i];
        indices[slot] = i;
        if (paired != null)
            pairedValues[slot] = paired[i];
    }
}
