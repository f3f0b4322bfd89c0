namespace Sae.Matching;

/// <summary>
/// The product's exact solver: <see cref="LinearAssignment.SolveDense"/> (Jonker–Volgenant shortest
/// augmenting paths) behind <see cref="IAssignmentSolver"/>. NaN entries count as 0, as the
/// interface promises: a matrix holding any is copied with them replaced (cosine matrices from
/// <see cref="CosineSimilarity"/> never hold NaN, so the copy is never made there).
/// </summary>
internal sealed class JonkerVolgenantSolver : IAssignmentSolver
{
    public Assignment Solve(ReadOnlySpan<float> similarity, int rows, int cols, IProgress<double>? progress, CancellationToken cancel)
    {
        if (similarity.IndexOfAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity) < 0)
            return LinearAssignment.SolveDense(similarity, rows, cols, progress, cancel);
        var copy = similarity.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            if (float.IsNaN(copy[i]))
                copy[i] = 0f;
        }
        return LinearAssignment.SolveDense(copy, rows, cols, progress, cancel);
    }
}
