namespace Sae.Numerics;

/// <summary>
/// A row-major matrix as seen by the product: <c>op(X)</c> is [rows, cols] and reads X either
/// as stored ([rows, cols]) or transposed (X stored [cols, rows]).
/// </summary>
internal readonly unsafe struct GemmOperand
{
    public readonly float* Data;
    public readonly bool Transposed;
    public readonly int Rows;
    public readonly int Cols;

    public GemmOperand(float* data, bool transposed, int rows, int cols)
    {
        Data = data;
        Transposed = transposed;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Element (i, j) of op(X).</summary>
    public float this[int i, int j] => Transposed ? Data[(long)j * Rows + i] : Data[(long)i * Cols + j];
}
