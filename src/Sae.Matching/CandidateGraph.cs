namespace Sae.Matching;

/// <summary>
/// A sparse similarity matrix [rows, columns] for assignments too large to hold densely: for each
/// row, its candidate columns (ascending) and their similarities in CSR form, plus
/// <see cref="RowBound"/>[i], an upper bound on the similarity of row i to any column that is not
/// among its candidates (e.g. the smallest similarity kept, or the floor below which entries were
/// dropped). Solvers use the bound to report how far their answer can be from the exact optimum.
/// </summary>
public sealed class CandidateGraph
{
    /// <summary>Wraps CSR arrays (not copied): row i's candidates are ColumnIndex/Weight[RowStart[i] .. RowStart[i+1]).</summary>
    public CandidateGraph(int rows, int columns, int[] rowStart, int[] columnIndex, float[] weight, float[] rowBound)
    {
        if (rowStart.Length != rows + 1)
            throw new ArgumentException($"rowStart has length {rowStart.Length} but must be rows + 1 = {rows + 1}.", nameof(rowStart));
        if (columnIndex.Length < rowStart[rows] || weight.Length < rowStart[rows])
            throw new ArgumentException($"columnIndex and weight must hold rowStart[rows] = {rowStart[rows]} entries.", nameof(columnIndex));
        if (rowBound.Length != rows)
            throw new ArgumentException($"rowBound has length {rowBound.Length} but must be rows = {rows}.", nameof(rowBound));
        Rows = rows;
        Columns = columns;
        RowStart = rowStart;
        ColumnIndex = columnIndex;
        Weight = weight;
        RowBound = rowBound;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>CSR row offsets, length Rows + 1.</summary>
    public int[] RowStart { get; }

    /// <summary>Candidate columns, ascending within a row.</summary>
    public int[] ColumnIndex { get; }

    /// <summary>Similarity of each candidate.</summary>
    public float[] Weight { get; }

    /// <summary>Per row: an upper bound on its similarity to any non-candidate column.</summary>
    public float[] RowBound { get; }

    /// <summary>Number of stored candidates.</summary>
    public long Count => RowStart[Rows];
}
