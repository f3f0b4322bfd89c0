namespace Sae.Cluster.Tests;

public class SweepPlanTests
{
    private static CellDocument Cell(string key) => new() { Key = key, Architecture = "topk", LrDecay = "linear", D = 8, Latents = 16, K = 2 };

    private static SweepDocument Document(int cells, ulong[] seeds, int seedsPerJob) => new()
    {
        SweepId = "plan-test",
        Name = "plan-test",
        Dataset = new DatasetRef("synth-x", 8, 2048, "tiny", 16),
        Cells = Enumerable.Range(0, cells).Select(i => Cell($"cell{i}")).ToArray(),
        Seeds = seeds,
        SeedsPerJob = seedsPerJob,
        Format = "sparsify",
        MaxFailures = 3,
        LeaseSeconds = 30,
    };

    [Theory]
    [InlineData(1, 2, 2, 1)]
    [InlineData(2, 4, 4, 2)]
    [InlineData(3, 5, 2, 9)]
    [InlineData(2, 5, 1, 10)]
    [InlineData(2, 3, 0, 6)] // 0 seeds per job is read as 1
    public void Constructor_Grid_RunsJobsAndComparisonsCounted(int cells, int seeds, int perJob, int jobs)
    {
        var plan = new SweepPlan(Document(cells, Enumerable.Range(0, seeds).Select(s => (ulong)s).ToArray(), perJob));
        Assert.Equal(cells * seeds, plan.Runs.Count);
        Assert.Equal(jobs, plan.Jobs.Count);
        Assert.Equal(cells * seeds * (seeds - 1) / 2, plan.Comparisons.Count);
        // every run is in exactly one job, of its own cell
        Assert.Equal(plan.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal), plan.Jobs.SelectMany(j => j.Runs).Select(r => r.RunId).Order(StringComparer.Ordinal));
        Assert.All(plan.Jobs, j => Assert.All(j.Runs, r => Assert.Equal(j.Cell.Key, r.Cell.Key)));
        Assert.All(plan.Comparisons, c => Assert.True(c.A.Cell.Key == c.B.Cell.Key && c.A.Seed < c.B.Seed));
    }

    [Fact]
    public void Constructor_FiveSeedsTwoPerJob_IdsNamedAfterCellAndSeeds()
    {
        var plan = new SweepPlan(Document(1, [0, 1, 2, 3, 4], 2));
        Assert.Equal(["cell0-seed0", "cell0-seed1", "cell0-seed2", "cell0-seed3", "cell0-seed4"], plan.Runs.Select(r => r.RunId));
        Assert.Equal(["cell0-seeds0.1", "cell0-seeds2.3", "cell0-seeds4"], plan.Jobs.Select(j => j.JobId));
        Assert.Equal("cell0-seed0__cell0-seed1", plan.Comparisons[0].ComparisonId);
        Assert.Equal("cell0-seed3__cell0-seed4", plan.Comparisons[^1].ComparisonId);
    }

    [Fact]
    public void Constructor_SameDocumentTwice_SameIds()
    {
        var a = new SweepPlan(Document(2, [5, 9, 1], 2));
        var b = new SweepPlan(SweepDocument.Parse(Document(2, [5, 9, 1], 2).ToBytes(), "spec.json"));
        Assert.Equal(a.Runs.Select(r => r.RunId), b.Runs.Select(r => r.RunId));
        Assert.Equal(a.Jobs.Select(j => j.JobId), b.Jobs.Select(j => j.JobId));
        Assert.Equal(a.Comparisons.Select(c => c.ComparisonId), b.Comparisons.Select(c => c.ComparisonId));
    }

    [Fact]
    public void Lookups_KnownAndUnknownIds_FoundOrNull()
    {
        var plan = new SweepPlan(Document(2, [0, 1, 2], 2));
        Assert.Equal("cell1-seeds0.1", plan.JobOf("cell1-seed1").JobId);
        Assert.Equal("cell1-seeds2", plan.JobOf("cell1-seed2").JobId);
        Assert.Same(plan.Jobs[0], plan.FindJob(plan.Jobs[0].JobId));
        Assert.Null(plan.FindJob("cell9-seeds0"));
        Assert.Same(plan.Comparisons[1], plan.FindComparison(plan.Comparisons[1].ComparisonId));
        Assert.Null(plan.FindComparison("nope"));
        Assert.Equal(2, plan.ComparisonsOf("cell0-seed0").Count());
        Assert.Equal(2UL, plan.Run("cell1-seed2").Seed);
        Assert.Throws<KeyNotFoundException>(() => plan.Run("cell1-seed7"));
    }
}
