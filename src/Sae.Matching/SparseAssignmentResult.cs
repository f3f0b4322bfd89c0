namespace Sae.Matching;

/// <summary>
/// The answer of <see cref="SparseAssignment.Solve"/>: the assignment, a proven upper bound on the
/// optimum of the DENSE problem, and which pairs were made by fallback (pairs that are not
/// candidate edges, made only because a row's candidates were all needed elsewhere).
/// </summary>
/// <param name="Assignment">The pairs; its Total sums candidate weights plus, for fallback pairs, the
/// caller's weight function (0 for them when none was given).</param>
/// <param name="UpperBound">An upper bound on the best total over ALL pairs (candidates or not), given
/// that every non-candidate similarity of row i is at most RowBound[i] (see <see cref="DualBound"/>).</param>
/// <param name="FallbackRow">Per row: its pair is a fallback pair.</param>
/// <param name="FallbackRows">How many pairs are fallback pairs.</param>
public sealed record SparseAssignmentResult(Assignment Assignment, double UpperBound, bool[] FallbackRow, int FallbackRows)
{
    /// <summary>
    /// UpperBound − Total: the dense optimum exceeds this assignment's total by at most this much
    /// (exactly so when there are no fallback pairs or their weights were supplied).
    /// </summary>
    public double UpperBoundGap => UpperBound - Assignment.Total;
}
