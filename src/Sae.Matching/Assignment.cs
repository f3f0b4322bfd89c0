namespace Sae.Matching;

/// <summary>
/// A one-to-one assignment between the rows and columns of a similarity matrix: every element of
/// the smaller side has a partner. <see cref="RowToColumn"/>[i] = −1 for an unassigned row (only
/// when rows &gt; columns), likewise <see cref="ColumnToRow"/>. <see cref="Total"/> is the summed
/// similarity of the assigned pairs (in double).
/// </summary>
public sealed record Assignment(int[] RowToColumn, int[] ColumnToRow, double Total);
