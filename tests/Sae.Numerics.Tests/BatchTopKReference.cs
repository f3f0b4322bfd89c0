namespace Sae.Numerics.Tests;

/// <summary>The scalar twin of <see cref="BatchTopK"/>: sort every positive entry of the dense matrix (value down, flat index up) and keep the first count.</summary>
internal static class BatchTopKReference
{
    /// <summary>The selected flat indices b·n + j, as a set.</summary>
    public static HashSet<long> Select(float[] x, int rows, int n, long count) =>
        Enumerable.Range(0, rows * n).Where(i => x[i] > 0f)
            .OrderByDescending(i => x[i]).ThenBy(i => i)
            .Take((int)Math.Min(count, int.MaxValue)).Select(i => (long)i).ToHashSet();
}
