namespace Sae.Numerics;

/// <summary>
/// Runs independent chunks of work on up to <c>threads</c> threads. The chunking is decided by the
/// caller from the problem size only, never from the thread count, and every chunk writes only its
/// own part of the output, so a result is bit-identical whatever the number of threads.
/// </summary>
internal static class Partition
{
    /// <summary>Runs <paramref name="body"/> for every chunk index in [0, chunks) on up to <paramref name="threads"/> threads.</summary>
    public static void For(int chunks, int threads, Action<int> body)
    {
        if (chunks <= 0)
            return;
        if (threads <= 1 || chunks == 1)
        {
            for (int i = 0; i < chunks; i++)
                body(i);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(threads, chunks) }, body);
    }

    /// <summary>Number of chunks of size <paramref name="chunk"/> covering <paramref name="total"/> items.</summary>
    public static int Count(int total, int chunk) => (total + chunk - 1) / chunk;
}
