namespace Sae.Numerics;

/// <summary>Validation of a row-major [rows, cols] matrix argument; formats a message only on failure.</summary>
internal static class MatrixShape
{
    /// <summary>Throws unless rows, cols ≥ 0 and <paramref name="length"/> = rows·cols.</summary>
    public static void Validate(int length, int rows, int cols, string name)
    {
        Check.NonNegative(rows, nameof(rows));
        Check.NonNegative(cols, nameof(cols));
        long expected = Check.Product(rows, cols, "rows·cols");
        if (length != expected)
            Check.Length(length, expected, $"rows·cols = {rows}·{cols}", name);
    }
}
