namespace Sae.Cluster;

/// <summary>
/// The entities of a sweep, derived from its document alone (so every worker derives the same ids): one Run
/// per cell and seed, training jobs of up to SeedsPerJob runs of one cell (trained in one pass over the data),
/// and one Comparison per unordered pair of seeds of a cell.
/// </summary>
public sealed class SweepPlan
{
    private readonly Dictionary<string, PlannedRun> _runs;
    private readonly Dictionary<string, PlannedJob> _jobs;
    private readonly Dictionary<string, PlannedComparison> _comparisons;

    /// <summary>Plans <paramref name="document"/>.</summary>
    public SweepPlan(SweepDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Document = document;
        var runs = new List<PlannedRun>();
        var jobs = new List<PlannedJob>();
        var comparisons = new List<PlannedComparison>();
        foreach (var cell in document.Cells)
        {
            var cellRuns = document.Seeds.Select(seed => new PlannedRun($"{cell.Key}-seed{seed}", cell, seed)).ToArray();
            runs.AddRange(cellRuns);
            foreach (var chunk in cellRuns.Chunk(Math.Max(1, document.SeedsPerJob)))
                jobs.Add(new PlannedJob($"{cell.Key}-seeds{string.Join('.', chunk.Select(r => r.Seed))}", cell, chunk));
            for (int i = 0; i < cellRuns.Length; i++)
            {
                for (int j = i + 1; j < cellRuns.Length; j++)
                    comparisons.Add(new PlannedComparison(StoreLayout.ComparisonId(cellRuns[i].RunId, cellRuns[j].RunId), cell, cellRuns[i], cellRuns[j]));
            }
        }
        Runs = runs;
        Jobs = jobs;
        Comparisons = comparisons;
        _runs = runs.ToDictionary(r => r.RunId);
        _jobs = jobs.ToDictionary(j => j.JobId);
        _comparisons = comparisons.ToDictionary(c => c.ComparisonId);
    }

    /// <summary>The stored definition.</summary>
    public SweepDocument Document { get; }

    /// <summary>The sweep id.</summary>
    public string SweepId => Document.SweepId;

    /// <summary>Every run, cell by cell, seeds in order.</summary>
    public IReadOnlyList<PlannedRun> Runs { get; }

    /// <summary>Every training job.</summary>
    public IReadOnlyList<PlannedJob> Jobs { get; }

    /// <summary>Every comparison.</summary>
    public IReadOnlyList<PlannedComparison> Comparisons { get; }

    /// <summary>The run with this id.</summary>
    public PlannedRun Run(string id) => _runs.TryGetValue(id, out var r) ? r : throw new KeyNotFoundException($"sweep {SweepId} has no run {id}.");

    /// <summary>The job with this id, or null.</summary>
    public PlannedJob? FindJob(string id) => _jobs.GetValueOrDefault(id);

    /// <summary>The comparison with this id, or null.</summary>
    public PlannedComparison? FindComparison(string id) => _comparisons.GetValueOrDefault(id);

    /// <summary>The job that trains <paramref name="runId"/>.</summary>
    public PlannedJob JobOf(string runId) => Jobs.First(j => j.Runs.Any(r => r.RunId == runId));

    /// <summary>Comparisons that involve <paramref name="runId"/>.</summary>
    public IEnumerable<PlannedComparison> ComparisonsOf(string runId) => Comparisons.Where(c => c.A.RunId == runId || c.B.RunId == runId);
}

/// <summary>One SAE: a cell and a seed.</summary>
public sealed record PlannedRun(string RunId, CellDocument Cell, ulong Seed);

/// <summary>Runs of one cell trained together in one pass over the data.</summary>
public sealed record PlannedJob(string JobId, CellDocument Cell, IReadOnlyList<PlannedRun> Runs);

/// <summary>A pair of seeds of one cell.</summary>
public sealed record PlannedComparison(string ComparisonId, CellDocument Cell, PlannedRun A, PlannedRun B);
