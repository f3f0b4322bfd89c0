namespace Sae.Matching;

/// <summary>
/// Turns the rows' and columns' top lists into a <see cref="CandidateGraph"/>: row i's candidates
/// are its own kept columns plus every column j whose list keeps i, ascending by column, each once
/// (both lists hold the same GEMM value for a pair). Entries below the floor are dropped.
/// RowBound[i] = max(floor, row i's last (m-th) listed value): every other column of row i ranked
/// after that entry, so its similarity is ≤ it, and a dropped entry is below the floor.
/// </summary>
internal static class CandidateAssembler
{
    /// <summary>
    /// rowValues/rowIndices: [n1, perRow] best first; columnValues/columnIndices: [n2, perColumn]
    /// best first, or null for row lists only.
    /// </summary>
    public static CandidateGraph Build(int n1, int n2, float[] rowValues, int[] rowIndices, int perRow,
        float[]? columnValues, int[]? columnIndices, int perColumn, float floor, int threads)
    {
        var bound = new float[n1];
        var keptPerRow = new int[n1];
        for (int i = 0; i < n1; i++)
        {
            bound[i] = Math.Max(floor, rowValues[((long)i * perRow) + perRow - 1]);
            keptPerRow[i] = Kept(rowValues.AsSpan(i * perRow, perRow), floor);
            // sort the kept part of row i's list by column (values alongside), for merging and membership tests
            Array.Sort(rowIndices, rowValues, i * perRow, keptPerRow[i]);
        }
        var (extraStart, extraColumn, extraWeight) = Extras(n1, n2, rowIndices, perRow, keptPerRow, columnValues, columnIndices, perColumn, floor);
        return Merge(n1, n2, rowValues, rowIndices, perRow, keptPerRow, extraStart, extraColumn, extraWeight, bound, threads);
    }

    private static int Kept(ReadOnlySpan<float> sortedBestFirst, float floor)
    {
        int kept = 0;
        while (kept < sortedBestFirst.Length && sortedBestFirst[kept] >= floor)
            kept++;
        return kept;
    }

    // The column lists' entries that row lists lack, regrouped by row (CSR, ascending column).
    private static (int[] Start, int[] Column, float[] Weight) Extras(int n1, int n2, int[] rowIndices, int perRow, int[] keptPerRow,
        float[]? columnValues, int[]? columnIndices, int perColumn, float floor)
    {
        var start = new int[n1 + 1];
        if (columnValues is null || columnIndices is null)
            return (start, [], []);
        var isExtra = new bool[(long)n2 * perColumn];
        for (int j = 0; j < n2; j++)
        {
            for (int e = j * perColumn; e < (j + 1) * perColumn && columnValues[e] >= floor; e++)
            {
                int i = columnIndices[e];
                if (Array.BinarySearch(rowIndices, i * perRow, keptPerRow[i], j) < 0)
                {
                    isExtra[e] = true;
                    start[i + 1]++;
                }
            }
        }
        for (int i = 0; i < n1; i++)
            start[i + 1] += start[i];
        var column = new int[start[n1]];
        var weight = new float[start[n1]];
        var fill = start[..n1];
        for (int j = 0; j < n2; j++)
        {
            for (int e = j * perColumn; e < (j + 1) * perColumn; e++)
            {
                if (!isExtra[e])
                    continue;
                int at = fill[columnIndices[e]]++;
                column[at] = j;
                weight[at] = columnValues[e];
            }
        }
        return (start, column, weight);
    }

    private static CandidateGraph Merge(int n1, int n2, float[] rowValues, int[] rowIndices, int perRow, int[] keptPerRow,
        int[] extraStart, int[] extraColumn, float[] extraWeight, float[] bound, int threads)
    {
        var rowStart = new int[n1 + 1];
        for (int i = 0; i < n1; i++)
            rowStart[i + 1] = checked(rowStart[i] + keptPerRow[i] + (extraStart[i + 1] - extraStart[i]));
        var column = new int[rowStart[n1]];
        var weight = new float[rowStart[n1]];
        Parallel.For(0, n1, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            int own = i * perRow, ownEnd = own + keptPerRow[i];
            int extra = extraStart[i], extraEnd = extraStart[i + 1];
            for (int at = rowStart[i]; at < rowStart[i + 1]; at++)
            {
                if (extra == extraEnd || (own < ownEnd && rowIndices[own] < extraColumn[extra]))
                {
                    column[at] = rowIndices[own];
                    weight[at] = rowValues[own++];
                }
                else
                {
                    column[at] = extraColumn[extra];
                    weight[at] = extraWeight[extra++];
                }
            }
        });
        return new CandidateGraph(n1, n2, rowStart, column, weight, bound);
    }
}
