namespace Sae.Matching.Tests;

public class LinearAssignmentOptimalityTests
{
    public static TheoryData<int, int> SmallShapes()
    {
        var data = new TheoryData<int, int>();
        for (int n = 1; n <= 8; n++)
        {
            data.Add(n, n);
            if (n == 1)
                continue;
            data.Add(1, n);
            data.Add(n, 1);
        }
        foreach (var (r, c) in new[] { (3, 5), (5, 3), (2, 7), (7, 2), (4, 8), (8, 4), (6, 7), (7, 6) })
            data.Add(r, c);
        return data;
    }

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void SolveDense_SmallRandom_MatchesBruteForce(int rows, int cols)
    {
        int cases = rows * cols >= 49 ? 3 : 20;
        for (int seed = 0; seed < cases; seed++)
        {
            var s = Matrices.Uniform(rows, cols, seed * 31 + rows * 7 + cols);
            Check.Optimal(LinearAssignment.SolveDense(s, rows, cols), Check.BruteForce(s, rows, cols), s, rows, cols);
        }
    }

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void SolveDense_SmallWithTies_MatchesBruteForce(int rows, int cols)
    {
        int cases = rows * cols >= 49 ? 3 : 20;
        for (int seed = 0; seed < cases; seed++)
        {
            var s = Matrices.Integers(rows, cols, seed + 1000 * rows + cols, range: 3);
            Check.Optimal(LinearAssignment.SolveDense(s, rows, cols), Check.BruteForce(s, rows, cols), s, rows, cols);
        }
    }

    public static TheoryData<string, int, int> Adversarial() => new()
    {
        { "uniform", 300, 300 },
        { "uniform", 57, 211 },
        { "uniform", 211, 57 },
        { "cosines", 256, 256 },
        { "cosines", 100, 180 },
        { "cosines", 180, 100 },
        { "integers0-2", 200, 200 },
        { "integers0-2", 90, 150 },
        { "integers0-2", 150, 90 },
        { "integers0-10", 250, 250 },
        { "constant", 120, 120 },
        { "constant", 40, 90 },
        { "constant", 90, 40 },
        { "negative", 200, 200 },
        { "negative", 70, 120 },
        { "planted", 300, 300 },
        { "planted-weak", 200, 200 },
        { "identity", 150, 150 },
        { "identity", 60, 140 },
        { "identity", 140, 60 },
        { "huge-range", 100, 100 },
        { "tiny-range", 300, 300 },
        { "tiny-range", 120, 250 },
        { "binary", 150, 150 },
    };

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void SolveDense_Adversarial_MatchesReferenceTotal(string kind, int rows, int cols)
    {
        for (int seed = 1; seed <= 2; seed++)
        {
            var s = Make(kind, rows, cols, seed);
            var expected = LinearAssignmentReference.Solve(s, rows, cols);
            Check.Valid(expected, s, rows, cols);
            Check.Optimal(LinearAssignment.SolveDense(s, rows, cols), expected.Total, s, rows, cols);
        }
    }

    [Fact]
    public void SolveDense_ManyRandomSizes_MatchesReferenceTotal()
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            int rows = rng.Next(1, 90), cols = rng.Next(1, 90);
            var s = seed % 3 == 0 ? Matrices.Integers(rows, cols, seed, 5) : Matrices.Uniform(rows, cols, seed);
            Check.Optimal(LinearAssignment.SolveDense(s, rows, cols), LinearAssignmentReference.Solve(s, rows, cols).Total, s, rows, cols);
        }
    }

    [Theory]
    [InlineData(500, 500)]
    [InlineData(400, 700)]
    [InlineData(700, 400)]
    public void SolveDense_LargerCosines_MatchesReferenceTotal(int rows, int cols)
    {
        // large enough that most blocks of 16 columns are skipped by their bounds
        var s = Matrices.Cosines(rows, cols, 64, rows + cols);
        Check.Optimal(LinearAssignment.SolveDense(s, rows, cols), LinearAssignmentReference.Solve(s, rows, cols).Total, s, rows, cols);
    }

    [Fact]
    public void SolveDense_PlantedPermutation_RecoversIt()
    {
        const int n = 200;
        var s = Matrices.Planted(n, seed: 5, signal: 1f, noise: 0.1f);
        var a = LinearAssignment.SolveDense(s, n, n);
        for (int i = 0; i < n; i++)
            Assert.True(s[i * n + a.RowToColumn[i]] >= 1f, $"row {i} lost its planted partner");
    }

    [Fact]
    public void Reference_SmallRandom_MatchesBruteForce()
    {
        foreach (var (rows, cols) in new[] { (4, 4), (3, 6), (6, 3), (7, 7) })
        {
            var s = Matrices.Uniform(rows, cols, rows * 10 + cols);
            Check.Optimal(LinearAssignmentReference.Solve(s, rows, cols), Check.BruteForce(s, rows, cols), s, rows, cols);
        }
    }

    private static float[] Make(string kind, int rows, int cols, int seed) => kind switch
    {
        "uniform" => Matrices.Uniform(rows, cols, seed),
        "cosines" => Matrices.Cosines(rows, cols, 24, seed),
        "integers0-2" => Matrices.Integers(rows, cols, seed, 3),
        "integers0-10" => Matrices.Integers(rows, cols, seed, 11),
        "constant" => Matrices.Constant(rows, cols, 0.25f),
        "negative" => Matrices.Uniform(rows, cols, seed, -5f, -1f),
        "planted" => Matrices.Planted(rows, seed, 0.8f, 0.5f),
        "planted-weak" => Matrices.Planted(rows, seed, 0.05f, 1f),
        "identity" => Matrices.IdentityLike(rows, cols, seed),
        "huge-range" => Matrices.Uniform(rows, cols, seed, -1e6f, 1e6f),
        "tiny-range" => Matrices.Uniform(rows, cols, seed, 0f, 1e-5f),
        "binary" => Matrices.Integers(rows, cols, seed, 2),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown matrix kind"),
    };
}
