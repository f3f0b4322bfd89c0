namespace Sae.Matching;

/// <summary>
/// The smallest tentative distance among the columns a row scan left unsettled, and its column
/// (the lowest index among equal values; −1 when no unsettled column remains).
/// </summary>
internal readonly record struct ScanMin(double Value, int Column)
{
    /// <summary>No candidate yet: +∞ at column −1.</summary>
    public static ScanMin None => new(double.PositiveInfinity, -1);

    /// <summary>The better of two candidates: smaller value, then lower column.</summary>
    public static ScanMin Better(ScanMin a, ScanMin b) =>
        b.Column >= 0 && (b.Value < a.Value || (b.Value == a.Value && (a.Column < 0 || b.Column < a.Column))) ? b : a;
}
