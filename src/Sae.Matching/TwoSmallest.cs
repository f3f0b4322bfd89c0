namespace Sae.Matching;

/// <summary>
/// The two smallest (value, column) pairs of a row in lexicographic order: smaller value first,
/// then lower column. With ties, <see cref="First"/> and <see cref="Second"/> may hold equal values.
/// </summary>
internal struct TwoSmallest
{
    /// <summary>The smallest pair (column −1 while empty).</summary>
    public ScanMin First;

    /// <summary>The second smallest pair (column −1 while fewer than two were offered).</summary>
    public ScanMin Second;

    /// <summary>Nothing offered yet.</summary>
    public static TwoSmallest Empty => new() { First = ScanMin.None, Second = ScanMin.None };

    /// <summary>Adds one candidate; candidates with column −1 are ignored.</summary>
    public void Offer(double value, int column)
    {
        var c = new ScanMin(value, column);
        if (column < 0)
            return;
        if (ScanMin.Better(First, c) == c)
        {
            Second = First;
            First = c;
        }
        else if (ScanMin.Better(Second, c) == c)
        {
            Second = c;
        }
    }
}
