namespace Sae.Numerics;

/// <summary>
/// The chunking of the per-latent elementwise passes over a [rows, n] matrix (<see cref="JumpRelu"/>,
/// <see cref="ReluL1"/>, <see cref="Gated"/>): fixed blocks of <see cref="Size"/> latents, each run
/// over every token in order, so a latent's sum over tokens is the plain loop's whatever the thread
/// count; per-token counts are added up across blocks afterwards (integers, exact).
/// </summary>
internal static class LatentBlocks
{
    /// <summary>Latents per block (4 KiB of a row's floats).</summary>
    public const int Size = 1024;

    /// <summary>One block's work: latents [first, first + count).</summary>
    public delegate void Body(int first, int count);

    /// <summary>One block's work that also counts, per token, into <paramref name="rowCounts"/> ([rows]) and returns a total of its own.</summary>
    public delegate long CountingBody(int first, int count, Span<int> rowCounts);

    /// <summary>Runs <paramref name="body"/> over every block of n latents on up to <paramref name="threads"/> threads.</summary>
    public static void For(int n, int threads, Body body) =>
        Partition.For(Partition.Count(n, Size), threads, c => body(c * Size, Math.Min(Size, n - (c * Size))));

    /// <summary>
    /// Runs <paramref name="body"/> over every block; <paramref name="counts"/>[b] = the sum over blocks of their
    /// counts for token b. Returns the sum of the blocks' totals.
    /// </summary>
    public static long ForCounting(int n, int rows, int threads, Span<int> counts, CountingBody body)
    {
        int blocks = Partition.Count(n, Size);
        // each block writes its tokens' counts to its own row of the scratch, and its total to its own slot
        var blockCounts = new int[blocks * rows];
        var blockTotals = new long[blocks];
        Partition.For(blocks, threads, c =>
        {
            int first = c * Size;
            blockTotals[c] = body(first, Math.Min(Size, n - first), blockCounts.AsSpan(c * rows, rows));
        });
        for (int b = 0; b < rows; b++)
        {
            int s = 0;
            for (int c = 0; c < blocks; c++)
                s += blockCounts[(c * rows) + b];
            counts[b] = s;
        }
        long total = 0;
        foreach (long t in blockTotals)
            total += t;
        return total;
    }
}
