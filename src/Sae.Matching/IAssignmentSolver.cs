namespace Sae.Matching;

/// <summary>
/// A maximum-weight one-to-one assignment on a dense similarity matrix: every element of the
/// smaller side gets a distinct partner on the other side, and the summed similarity of the pairs
/// is as large as possible. Implementations may be slow but must be exact (the paper's
/// <c>linear_sum_assignment</c>); which one the product uses is decided in
/// <see cref="MatchingOptions.DefaultSolver"/>.
/// </summary>
public interface IAssignmentSolver
{
    /// <summary>Solves the assignment on <paramref name="similarity"/> [rows, cols], row-major.</summary>
    /// <param name="similarity">Similarities [rows, cols]; NaN counts as 0.</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="progress">Receives the fraction done, 0..1 (optional).</param>
    /// <param name="cancel">Stops the solver with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The assignment; its <see cref="Assignment.Total"/> is the summed similarity in double.</returns>
    Assignment Solve(ReadOnlySpan<float> similarity, int rows, int cols, IProgress<double>? progress, CancellationToken cancel);
}
