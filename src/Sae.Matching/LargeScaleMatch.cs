namespace Sae.Matching;

/// <summary>
/// The answer of <see cref="LargeScaleMatcher.Match"/>: the assignment, the real cosine of every
/// assigned pair, and how close to the dense optimum it is proven to be.
/// </summary>
/// <param name="Assignment">The pairs; Total is the sum of <paramref name="Cosine"/> over assigned rows.</param>
/// <param name="Cosine">Per row of A: the cosine to its partner in B, computed from the unit rows
/// (fallback pairs included); NaN for a row left unassigned (only when A has more rows than B).</param>
/// <param name="FallbackRow">Per row: its pair is not a candidate edge of the main solve.</param>
/// <param name="FallbackRows">How many pairs are fallback pairs.</param>
/// <param name="UpperBound">Proven upper bound on the dense optimum (the best possible total cosine).</param>
/// <param name="Candidates">Candidate edges the solve used.</param>
/// <param name="CandidateTime">Time spent normalising and selecting candidates.</param>
/// <param name="SolveTime">Time spent in the assignment, the bound and the cosines.</param>
/// <param name="RowMax">Per row of A: its largest cosine to any row of B (the top of its candidate list; exact).</param>
/// <param name="ColumnMax">Per row of B: its largest cosine to any row of A (exact when column lists were kept, else a lower bound).</param>
/// <param name="Sign">Sign-invariant matching only (null otherwise): per row of A, the sign of the raw cosine to its partner
/// (+1 or −1; 0 when unassigned). <paramref name="Cosine"/>, the maxima, the total and the bound are then all on |cos|.</param>
public sealed record LargeScaleMatch(Assignment Assignment, float[] Cosine, bool[] FallbackRow, int FallbackRows,
    double UpperBound, long Candidates, TimeSpan CandidateTime, TimeSpan SolveTime, float[] RowMax, float[] ColumnMax, sbyte[]? Sign = null)
{
    /// <summary>UpperBound − Total: the dense optimum exceeds this assignment's total by at most this much.</summary>
    public double UpperBoundGap => UpperBound - Assignment.Total;
}
