namespace Sae.Matching.Tests;

public class LargeScaleMatcherTests
{
    private const int Depth = 96;

    [Fact]
    public void Match_PlantedRawRows_RecoversEveryPlantedPairAndReportsRealCosines()
    {
        const int N = 600;
        var a = TestData.UnitRows(N, Depth, 61);
        var (b, partner) = TestData.Planted(a, N, Depth, N * 3 / 10, 62);
        // raw rows: scale every row by a different factor; the matcher must normalise
        var rawA = a.Select((x, e) => x * (1 + (e / Depth % 7))).ToArray();
        var rawB = b.Select((x, e) => x * 0.01f * (1 + (e / Depth % 5))).ToArray();
        var match = LargeScaleMatcher.Match(rawA, rawB, N, N, Depth, new CandidateOptions { PerRow = 8, PerColumn = 8 });
        var s = TestData.Similarity(a, b, N, N, Depth);
        for (int i = 0; i < N; i++)
        {
            int j = match.Assignment.RowToColumn[i];
            Assert.Equal(s[(i * N) + j], match.Cosine[i], 1e-5f);
            if (partner[i] >= 0)
                Assert.Equal(partner[i], j);
            else
                Assert.True(match.Cosine[i] < 0.7f);
        }
        Assert.Equal(match.Cosine.Sum(c => (double)c), match.Assignment.Total, 1e-6);
        double optimum = LinearAssignmentReference.Solve(s, N, N).Total;
        Assert.True(optimum - match.Assignment.Total <= match.UpperBoundGap + 1e-4);
        Assert.True(match.UpperBoundGap < 0.02 * optimum, $"gap {match.UpperBoundGap} vs optimum {optimum}");
    }

    [Fact]
    public void Match_SignInvariantNegatedCopies_MatchedByAbsoluteCosineWithTheirSign()
    {
        const int N = 600;
        var a = TestData.UnitRows(N, Depth, 91);
        var (b, partner) = TestData.Planted(a, N, Depth, N * 3 / 10, 92);
        // every other planted copy is read with the opposite sign
        var negated = new bool[N];
        for (int i = 0; i < N; i++)
        {
            if (partner[i] >= 0 && i % 2 == 0)
            {
                negated[i] = true;
                foreach (ref float x in b.AsSpan(partner[i] * Depth, Depth))
                    x = -x;
            }
        }
        var options = new CandidateOptions { PerRow = 8, PerColumn = 8, SignInvariant = true };
        var match = LargeScaleMatcher.Match(a, b, N, N, Depth, options);
        var s = TestData.Similarity(a, b, N, N, Depth);
        Assert.NotNull(match.Sign);
        for (int i = 0; i < N; i++)
        {
            int j = match.Assignment.RowToColumn[i];
            Assert.Equal(Math.Abs(s[(i * N) + j]), match.Cosine[i], 1e-5f);
            Assert.Equal(s[(i * N) + j] < 0 ? -1 : 1, match.Sign![i]);
            if (partner[i] >= 0)
                Assert.Equal((partner[i], negated[i] ? -1 : 1), (j, (int)match.Sign[i]));
        }
        var absolute = s.Select(Math.Abs).ToArray();
        double optimum = LinearAssignmentReference.Solve(absolute, N, N).Total;
        Assert.True(optimum - match.Assignment.Total <= match.UpperBoundGap + 1e-4);
        Assert.True(match.UpperBoundGap < 0.02 * optimum, $"gap {match.UpperBoundGap} vs optimum {optimum}");
        Assert.Null(LargeScaleMatcher.Match(a, b, N, N, Depth, options with { SignInvariant = false }).Sign);
    }

    [Theory]
    [InlineData(300, 180)]
    [InlineData(180, 300)]
    public void Match_Rectangular_PairsEveryElementOfTheSmallerSide(int rows, int columns)
    {
        var a = TestData.UnitRows(rows, Depth, 71);
        var b = TestData.UnitRows(columns, Depth, 72);
        var match = LargeScaleMatcher.Match(a, b, rows, columns, Depth, new CandidateOptions { PerRow = 4, PerColumn = 4 });
        SparseAssignmentTests.AssertValid(match.Assignment, rows, columns);
        Assert.Equal(rows - Math.Min(rows, columns), match.Cosine.Count(float.IsNaN));
        var s = TestData.Similarity(a, b, rows, columns, Depth);
        double optimum = LinearAssignmentReference.Solve(s, rows, columns).Total;
        Assert.True(optimum - match.Assignment.Total <= match.UpperBoundGap + 1e-4);
    }

    [Fact]
    public void Match_ZeroRows_HaveCosineZero()
    {
        const int N = 50;
        var a = TestData.UnitRows(N, Depth, 81);
        var b = TestData.UnitRows(N, Depth, 82);
        Array.Clear(a, 3 * Depth, Depth);
        Array.Clear(b, 0, 10 * Depth);
        var match = LargeScaleMatcher.Match(a, b, N, N, Depth, new CandidateOptions { PerRow = 3, PerColumn = 3 });
        SparseAssignmentTests.AssertValid(match.Assignment, N, N);
        Assert.Equal(0f, match.Cosine[3]);
        Assert.All(Enumerable.Range(0, N).Where(i => match.Assignment.RowToColumn[i] < 10), i => Assert.Equal(0f, match.Cosine[i]));
    }

    [Fact]
    public void Match_SparseGraphWithFallbacks_RematchesThemAndStaysWithinTheGap()
    {
        // floor high enough that many rows have no candidate at all
        const int N = 200;
        var a = TestData.UnitRows(N, Depth, 91);
        var (b, _) = TestData.Planted(a, N, Depth, N / 4, 92);
        var options = new CandidateOptions { PerRow = 2, PerColumn = 0, Floor = 0.35f };
        var match = LargeScaleMatcher.Match(a, b, N, N, Depth, options);
        SparseAssignmentTests.AssertValid(match.Assignment, N, N);
        Assert.True(match.FallbackRows > N / 2);
        var s = TestData.Similarity(a, b, N, N, Depth);
        double optimum = LinearAssignmentReference.Solve(s, N, N).Total;
        Assert.True(optimum - match.Assignment.Total <= match.UpperBoundGap + 1e-4);
        var inOrder = SparseAssignment.Solve(CandidateSelection.Build(a, b, N, N, Depth, options), (i, j) => s[(i * N) + j]);
        Assert.True(match.Assignment.Total > inOrder.Assignment.Total + 1, $"re-matched {match.Assignment.Total} vs in order {inOrder.Assignment.Total}");
    }

    [Fact]
    public void Match_HubColumns_ColumnListsAvoidTheFallbacksOfRowListsAlone()
    {
        // every row shares a common direction; half of B's rows lean on it strongly ("hubs"), so all
        // rows' top lists hold only hubs and the other half of B is in no row's list
        const int N = 400;
        var a = TestData.UnitRows(N, Depth, 121);
        var b = TestData.UnitRows(N, Depth, 122);
        var common = TestData.UnitRows(1, Depth, 123);
        for (int i = 0; i < N; i++)
        {
            for (int p = 0; p < Depth; p++)
            {
                a[(i * Depth) + p] += 0.5f * common[p];
                b[(i * Depth) + p] += (i % 2 == 0 ? 0.8f : 0.1f) * common[p];
            }
        }
        var rowsOnly = LargeScaleMatcher.Match(a, b, N, N, Depth, new CandidateOptions { PerRow = 8, PerColumn = 0 });
        var union = LargeScaleMatcher.Match(a, b, N, N, Depth, new CandidateOptions { PerRow = 8, PerColumn = 8 });
        Assert.True(rowsOnly.FallbackRows >= N / 4, $"row lists alone: {rowsOnly.FallbackRows} fallbacks");
        Assert.Equal(0, union.FallbackRows);
        Assert.True(union.UpperBoundGap < rowsOnly.UpperBoundGap);
        var s = TestData.Similarity(UnitCopy(a, N), UnitCopy(b, N), N, N, Depth);
        double optimum = LinearAssignmentReference.Solve(s, N, N).Total;
        Assert.True(optimum - union.Assignment.Total <= union.UpperBoundGap + 1e-4);
        Assert.True(optimum - rowsOnly.Assignment.Total <= rowsOnly.UpperBoundGap + 1e-4);
    }

    [Fact]
    public void Match_ThreadCountAndBudget_DoNotChangeTheResult()
    {
        const int N = 500;
        var a = TestData.UnitRows(N, Depth, 101);
        var (b, _) = TestData.Planted(a, N, Depth, N / 2, 102);
        var options = new CandidateOptions { PerRow = 6, PerColumn = 6 };
        var reference = LargeScaleMatcher.Match(a, b, N, N, Depth, options with { Threads = 1 });
        var other = LargeScaleMatcher.Match(a, b, N, N, Depth, options with { Threads = 3, MemoryBudgetBytes = 20L << 20 });
        Assert.Equal(reference.Assignment.RowToColumn, other.Assignment.RowToColumn);
        Assert.Equal(reference.Cosine, other.Cosine);
        Assert.Equal(reference.UpperBound, other.UpperBound);
    }

    [Fact]
    public void Match_BudgetBelowTheCopies_Throws()
    {
        var a = TestData.UnitRows(10, Depth, 111);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LargeScaleMatcher.Match(a, a, 10, 10, Depth, new CandidateOptions { MemoryBudgetBytes = 16L << 20 }));
    }

    private static float[] UnitCopy(float[] x, int rows) => CosineSimilarity.UnitRows(x, rows, Depth);
}
