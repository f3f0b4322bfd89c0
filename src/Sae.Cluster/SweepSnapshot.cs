namespace Sae.Cluster;

/// <summary>The stored state of every run and comparison of a sweep at one moment.</summary>
public sealed record SweepSnapshot(SweepPlan Plan, IReadOnlyDictionary<string, WorkState> Runs, IReadOnlyDictionary<string, WorkState> Comparisons)
{
    /// <summary>Reads every state document of the sweep.</summary>
    public static async Task<SweepSnapshot> ReadAsync(EntityStore entities, SweepPlan plan, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(plan);
        var runs = new Dictionary<string, WorkState>();
        foreach (var r in plan.Runs)
            runs[r.RunId] = await entities.ReadAsync(StoreLayout.RunState(plan.SweepId, r.RunId), cancel).ConfigureAwait(false) ?? Lifecycle.New("run");
        var comparisons = new Dictionary<string, WorkState>();
        foreach (var c in plan.Comparisons)
            comparisons[c.ComparisonId] = await entities.ReadAsync(StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId), cancel).ConfigureAwait(false) ?? Lifecycle.New("comparison");
        return new SweepSnapshot(plan, runs, comparisons);
    }

    /// <summary>Whether every run and comparison is Completed or Failed.</summary>
    public bool IsFinished => Runs.Values.All(s => s.IsTerminal) && Comparisons.Values.All(s => s.IsTerminal);

    /// <summary>Runs per status.</summary>
    public IReadOnlyDictionary<string, int> RunCounts => Count(Runs.Values);

    /// <summary>Comparisons per status.</summary>
    public IReadOnlyDictionary<string, int> ComparisonCounts => Count(Comparisons.Values);

    private static Dictionary<string, int> Count(IEnumerable<WorkState> states) =>
        states.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count());
}
