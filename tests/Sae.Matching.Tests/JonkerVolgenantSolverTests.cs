namespace Sae.Matching.Tests;

public class JonkerVolgenantSolverTests
{
    [Fact]
    public void Solve_NaNEntries_CountAsZero()
    {
        float[] withNaN = [float.NaN, 0.5f, 0.9f, float.NaN];
        float[] zeroed = [0f, 0.5f, 0.9f, 0f];
        var a = new JonkerVolgenantSolver().Solve(withNaN, 2, 2, null, default);
        var b = LinearAssignment.SolveDense(zeroed, 2, 2);
        Assert.Equal(b.RowToColumn, a.RowToColumn);
        Assert.Equal(1.4, a.Total, 6);
    }

    [Fact]
    public void DefaultSolver_IsTheFastExactSolver() =>
        Assert.IsType<JonkerVolgenantSolver>(MatchingOptions.DefaultSolver());
}
