namespace Sae.Matching;

/// <summary>
/// The column-major (CSC) view of a candidate graph: column j's rows ascending in
/// Row[Start[j] .. Start[j+1]) with their weights. Built by one counting pass over the CSR arrays.
/// </summary>
internal sealed class Transposed
{
    private Transposed(int[] start, int[] row, float[] weight)
    {
        Start = start;
        Row = row;
        Weight = weight;
    }

    /// <summary>Offsets per column, length Columns + 1.</summary>
    public int[] Start { get; }

    /// <summary>Rows of each column's candidates, ascending.</summary>
    public int[] Row { get; }

    /// <summary>Their weights.</summary>
    public float[] Weight { get; }

    /// <summary>Transposes <paramref name="g"/>.</summary>
    public static Transposed Of(CandidateGraph g)
    {
        int count = g.RowStart[g.Rows];
        var start = new int[g.Columns + 1];
        for (int e = 0; e < count; e++)
            start[g.ColumnIndex[e] + 1]++;
        for (int j = 0; j < g.Columns; j++)
            start[j + 1] += start[j];
        var fill = start[..g.Columns];
        var row = new int[count];
        var weight = new float[count];
        for (int i = 0; i < g.Rows; i++)
        {
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
            {
                int at = fill[g.ColumnIndex[e]]++;
                row[at] = i;
                weight[at] = g.Weight[e];
            }
        }
        return new Transposed(start, row, weight);
    }
}
