namespace Sae.Matching;

/// <summary>
/// The slow exact solver behind <see cref="IAssignmentSolver"/>: <see cref="LinearAssignmentReference"/>
/// (the O(r²·c) Hungarian, in double), with NaN entries counted as 0 as the interface promises (infinite ones are rejected).
/// Tests use it as the oracle for the whole comparison pipeline; the product uses
/// <see cref="JonkerVolgenantSolver"/>.
/// </summary>
internal sealed class HungarianSolver : IAssignmentSolver
{
    /// <inheritdoc />
    public Assignment Solve(ReadOnlySpan<float> similarity, int rows, int cols, IProgress<double>? progress, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (similarity.Length != (long)rows * cols)
            throw new ArgumentException($"similarity has length {similarity.Length} but must be rows·cols = {(long)rows * cols}.", nameof(similarity));
        cancel.ThrowIfCancellationRequested();
        var clean = similarity.ToArray();
        for (int i = 0; i < clean.Length; i++)
        {
            if (float.IsNaN(clean[i]))
                clean[i] = 0f;
            else if (float.IsInfinity(clean[i]))
                throw new ArgumentException($"similarity[{i / Math.Max(cols, 1)}, {i % Math.Max(cols, 1)}] is infinite.", nameof(similarity));
        }
        var assignment = LinearAssignmentReference.Solve(clean, rows, cols);
        progress?.Report(1.0);
        return assignment;
    }
}
