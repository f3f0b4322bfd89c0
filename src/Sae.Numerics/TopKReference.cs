namespace Sae.Numerics;

/// <summary>
/// The plain version of <see cref="TopK.Rows"/>, kept as the test oracle: sort every row's
/// (value, index) pairs by the documented order and take the first k.
/// </summary>
internal static class TopKReference
{
    /// <summary>Same contract as <see cref="TopK.Rows"/> (single-threaded, allocates per row).</summary>
    public static void Rows(ReadOnlySpan<float> x, int m, int n, int k, Span<float> values, Span<int> indices)
    {
        var pairs = new (float Value, int Index)[n];
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c < n; c++)
                pairs[c] = (x[(r * n) + c], c);
            Array.Sort(pairs, Compare);
            for (int j = 0; j < k; j++)
            {
                values[(r * k) + j] = pairs[j].Value;
                indices[(r * k) + j] = pairs[j].Index;
            }
        }
    }

    // Negative when a ranks first: numbers before NaN, larger before smaller, then smaller index.
    private static int Compare((float Value, int Index) a, (float Value, int Index) b)
    {
        bool aNaN = float.IsNaN(a.Value), bNaN = float.IsNaN(b.Value);
        if (aNaN != bNaN)
            return aNaN ? 1 : -1;
        if (!aNaN && a.Value != b.Value)
            return a.Value > b.Value ? -1 : 1;
        return a.Index.CompareTo(b.Index);
    }
}
