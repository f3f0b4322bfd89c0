namespace Sae.Numerics;

/// <summary>What <see cref="BatchTopK.Select"/> decided.</summary>
/// <param name="Complete">False when some row's list was too short to decide; nothing else is meaningful then.</param>
/// <param name="Cut">The value of the last entry selected (the count-th largest positive); 0 when every positive entry is selected.</param>
/// <param name="MinSelected">The smallest selected value (= <see cref="Cut"/> unless every positive entry is selected); 0 when nothing is.</param>
/// <param name="Selected">How many entries were selected: min(count, positive entries).</param>
/// <param name="Width">The largest per-row count.</param>
public readonly record struct BatchTopKResult(bool Complete, float Cut, float MinSelected, long Selected, int Width);

/// <summary>
/// BatchTopK's selection (Bussmann et al. 2024): keep the <c>count</c> largest positive entries of a
/// whole matrix x [rows, n] (count = k·rows) instead of k per row. It works from each row's w largest
/// entries, as <see cref="EncoderTopK"/> or <see cref="TopK.Rows"/> produce them, so the [rows, n]
/// matrix need never exist: when no row has w entries at or above the cut, every selected entry is
/// in those lists, and what a row keeps is a prefix of its list.
/// </summary>
/// <remarks>
/// Order: a larger value first; equal values by smaller flat index b·n + j (a row's list already
/// orders equal values by column, so across rows the earlier row wins). Entries that are not
/// positive (zeros from a ReLU, NaN) are never selected: when fewer than count entries are positive
/// all of them are kept, which leaves a reconstruction the same as torch.topk's (that adds zeros).
/// The cut is found by a binary search over float bit patterns, counting each row's entries at or
/// above a probe by binary search in its sorted list: O(rows · log w · 31), single-threaded,
/// exact and the same for any thread count.
/// </remarks>
public static class BatchTopK
{
    /// <summary>Selects the <paramref name="count"/> largest positive entries of a [rows, n] matrix from each row's sorted top w.</summary>
    /// <param name="rowValues">[rows, w]: each row's w largest entries, best first (NaN last), as <see cref="TopK.Rows"/> orders them.</param>
    /// <param name="rows">Rows (≥ 0).</param>
    /// <param name="w">Entries listed per row, 1 ≤ w ≤ n.</param>
    /// <param name="n">Columns of the full matrix; a row listed whole (w = n) is always decided.</param>
    /// <param name="count">Entries to keep over the whole matrix (≥ 0).</param>
    /// <param name="counts">[rows] output: row b keeps its first counts[b] listed entries.</param>
    /// <returns>The decision; when not <see cref="BatchTopKResult.Complete"/>, call again with longer lists.</returns>
    public static BatchTopKResult Select(ReadOnlySpan<float> rowValues, int rows, int w, int n, long count, Span<int> counts)
    {
        Check.NonNegative(rows);
        Check.Positive(w);
        if (n < w)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be >= w = {w} (got {n}).");
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be >= 0 (got {count}).");
        Check.Length(rowValues.Length, Check.Product(rows, w, "rows·w"), $"rows·w = {rows}·{w}", nameof(rowValues));
        Check.Length(counts.Length, rows, "rows", nameof(counts));
        bool whole = w == n;
        long positive = CountAtLeast(rowValues, rows, w, float.Epsilon);
        if (positive <= count)
        {
            // every positive entry is kept: a row is decided when its list ends at a non-positive (or NaN) entry
            float min = 0f;
            bool complete = true;
            int width = 0;
            for (int b = 0; b < rows; b++)
            {
                var row = rowValues.Slice(b * w, w);
                counts[b] = AtLeast(row, float.Epsilon);
                complete &= whole || !(row[w - 1] > 0f);
                width = Math.Max(width, counts[b]);
                if (counts[b] > 0)
                    min = min == 0f ? row[counts[b] - 1] : Math.Min(min, row[counts[b] - 1]);
            }
            return new BatchTopKResult(complete, 0f, min, positive, width);
        }
        float cut = LargestWithCountAtLeast(rowValues, rows, w, count);
        return Split(rowValues, rows, w, whole, count, cut, counts);
    }

    // The largest positive float t with #(entries ≥ t) ≥ count, given #(entries ≥ ε) > count:
    // positive floats order as their bit patterns, so search those.
    private static float LargestWithCountAtLeast(ReadOnlySpan<float> rowValues, int rows, int w, long count)
    {
        int lo = BitConverter.SingleToInt32Bits(float.Epsilon), hi = BitConverter.SingleToInt32Bits(float.PositiveInfinity);
        while (lo < hi)
        {
            int mid = lo + ((hi - lo + 1) >> 1);
            if (CountAtLeast(rowValues, rows, w, BitConverter.Int32BitsToSingle(mid)) >= count)
                lo = mid;
            else
                hi = mid - 1;
        }
        return BitConverter.Int32BitsToSingle(lo);
    }

    // Keeps everything above the cut, then entries equal to it in row order until count is reached.
    private static BatchTopKResult Split(ReadOnlySpan<float> rowValues, int rows, int w, bool whole, long count, float cut, Span<int> counts)
    {
        long above = 0;
        for (int b = 0; b < rows; b++)
        {
            counts[b] = Above(rowValues.Slice(b * w, w), cut);
            above += counts[b];
        }
        long ties = count - above;
        bool complete = true;
        int width = 0;
        for (int b = 0; b < rows; b++)
        {
            var row = rowValues.Slice(b * w, w);
            int take = (int)Math.Min(ties, AtLeast(row, cut) - counts[b]);
            counts[b] += take;
            ties -= take;
            // an entry past the list could still reach the cut unless the list ends below it
            complete &= whole || row[w - 1] < cut || float.IsNaN(row[w - 1]);
            width = Math.Max(width, counts[b]);
        }
        return new BatchTopKResult(complete, cut, cut, count, width);
    }

    private static long CountAtLeast(ReadOnlySpan<float> rowValues, int rows, int w, float t)
    {
        long total = 0;
        for (int b = 0; b < rows; b++)
            total += AtLeast(rowValues.Slice(b * w, w), t);
        return total;
    }

    // Length of the prefix of a best-first row whose entries are ≥ t (NaN compares false and sits last).
    private static int AtLeast(ReadOnlySpan<float> row, float t)
    {
        int lo = 0, hi = row.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (row[mid] >= t)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    // Length of the prefix whose entries are > t.
    private static int Above(ReadOnlySpan<float> row, float t)
    {
        int lo = 0, hi = row.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (row[mid] > t)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
