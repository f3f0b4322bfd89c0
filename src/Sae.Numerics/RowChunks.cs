namespace Sae.Numerics;

/// <summary>
/// Splits the rows of a row-major [rows, cols] matrix into chunks of a fixed number of rows, chosen
/// from <c>cols</c> only (about <see cref="TargetElements"/> elements a chunk), and runs the chunks
/// through <see cref="Partition.For"/>. Row kernels compute each row independently, so the split
/// never changes a result; it only decides what one thread does at a time.
/// </summary>
internal static class RowChunks
{
    /// <summary>Aimed-for elements per chunk (128 KiB of floats).</summary>
    public const int TargetElements = 1 << 15;

    /// <summary>Rows per chunk for a matrix with <paramref name="cols"/> columns (at least one).</summary>
    public static int RowsPerChunk(int cols) => Math.Max(1, TargetElements / Math.Max(1, cols));

    /// <summary>Runs <paramref name="body"/>(firstRow, rowCount) over all chunks; inline when one thread or one chunk.</summary>
    public static void For(int rows, int cols, int threads, Action<int, int> body)
    {
        int per = RowsPerChunk(cols);
        int chunks = Partition.Count(rows, per);
        Partition.For(chunks, threads, c => body(c * per, Math.Min(per, rows - c * per)));
    }

    /// <summary>True when the work fits one chunk or one thread, so a caller can skip pinning and closures.</summary>
    public static bool Inline(int rows, int cols, int threads) => threads == 1 || rows <= RowsPerChunk(cols);
}
