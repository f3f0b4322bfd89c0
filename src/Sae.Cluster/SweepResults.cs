namespace Sae.Cluster;

/// <summary>
/// Everything the report shows about one sweep, gathered from the stored entity states and results
/// (SweepAnalysis builds it; ReportHtml and SummaryFiles render it). Plain data: no I/O here.
/// A "cell" is one point of the grid (architecture, width, k or λ, steps) whose seeds are compared pairwise.
/// </summary>
public sealed record SweepResults
{
    /// <summary>Content-derived sweep id.</summary>
    public required string SweepId { get; init; }

    /// <summary>The spec's human name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the activations came from (e.g. "synthetic: 256 features in d = 64, 100000 rows").</summary>
    public required string Dataset { get; init; }

    /// <summary>Ground-truth features of a synthetic dataset, or null for real activations.</summary>
    public int? GroundTruthFeatures { get; init; }

    /// <summary>The shared-latent threshold (0.7 in the paper).</summary>
    public double Threshold { get; init; } = 0.7;

    /// <summary>Every SAE of the sweep.</summary>
    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>Every pairwise comparison.</summary>
    public required IReadOnlyList<ComparisonResult> Comparisons { get; init; }

    /// <summary>Per-cell aggregates (only cells with at least two completed seeds have pair statistics).</summary>
    public required IReadOnlyList<CellResult> Cells { get; init; }

    /// <summary>Which of the paper's trends this sweep reproduces, does not, or cannot test.</summary>
    public required IReadOnlyList<TrendCheck> Trends { get; init; }
}

/// <summary>One SAE (one seed of one cell).</summary>
public sealed record RunResult
{
    /// <summary>Content-derived run id (also its directory name under runs/).</summary>
    public required string RunId { get; init; }

    /// <summary>The cell key, e.g. "topk-w256-k5-s800".</summary>
    public required string Cell { get; init; }

    /// <summary>"topk", "relu", … (the registry's name).</summary>
    public required string Architecture { get; init; }

    /// <summary>Number of latents.</summary>
    public int Latents { get; init; }

    /// <summary>k (TopK only).</summary>
    public int? K { get; init; }

    /// <summary>L1 coefficient λ (ReLU+L1 and Gated only).</summary>
    public double? L1 { get; init; }

    /// <summary>L0 coefficient λ₀ (JumpReLU only).</summary>
    public double? L0Coefficient { get; init; }

    /// <summary>Initialisation seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Training steps.</summary>
    public long Steps { get; init; }

    /// <summary>Pending, Training, Completed or Failed.</summary>
    public required string Status { get; init; }

    /// <summary>How many times a worker claimed the run.</summary>
    public int Attempts { get; init; }

    /// <summary>The last error, if any.</summary>
    public string? Error { get; init; }

    /// <summary>Final metrics (null until Completed).</summary>
    public RunMetrics? Final { get; init; }

    /// <summary>Training curve: one point per recorded step (may be empty).</summary>
    public IReadOnlyList<CurvePoint> Curve { get; init; } = [];
}

/// <summary>A run's final metrics.</summary>
public sealed record RunMetrics(double Fvu, double Mse, double L0, double DeadFraction, long Tokens, double WallSeconds);

/// <summary>One point of a training curve.</summary>
public sealed record CurvePoint(long Step, double Fvu, double L0);

/// <summary>One pairwise comparison of two seeds of the same cell.</summary>
public sealed record ComparisonResult
{
    /// <summary>"{a}__{b}".</summary>
    public required string ComparisonId { get; init; }

    /// <summary>The cell both runs belong to.</summary>
    public required string Cell { get; init; }

    /// <summary>First run id.</summary>
    public required string RunA { get; init; }

    /// <summary>Second run id.</summary>
    public required string RunB { get; init; }

    /// <summary>Waiting, Running, Completed or Failed.</summary>
    public required string Status { get; init; }

    /// <summary>Shared fraction (enc and dec matched cosine above the threshold); null until Completed.</summary>
    public double? SharedFraction { get; init; }

    /// <summary>Fraction of latents whose encoder and decoder assignments pick the same partner.</summary>
    public double? AgreeFraction { get; init; }

    /// <summary>Mean matched decoder cosine.</summary>
    public double? MeanDecCos { get; init; }

    /// <summary>Mean matched encoder cosine.</summary>
    public double? MeanEncCos { get; init; }
}

/// <summary>Aggregates over the seeds of one cell.</summary>
public sealed record CellResult
{
    /// <summary>The cell key.</summary>
    public required string Cell { get; init; }

    /// <summary>"topk", "relu", … (the registry's name).</summary>
    public required string Architecture { get; init; }

    /// <summary>Number of latents.</summary>
    public int Latents { get; init; }

    /// <summary>k (TopK only).</summary>
    public int? K { get; init; }

    /// <summary>λ (ReLU+L1 and Gated only).</summary>
    public double? L1 { get; init; }

    /// <summary>λ₀ (JumpReLU only).</summary>
    public double? L0Coefficient { get; init; }

    /// <summary>The coefficient of the sparsity penalty, λ or λ₀, whichever the architecture has.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? Penalty => L1 ?? L0Coefficient;

    /// <summary>Training steps.</summary>
    public long Steps { get; init; }

    /// <summary>Completed seeds.</summary>
    public int Seeds { get; init; }

    /// <summary>Completed comparisons.</summary>
    public int Pairs { get; init; }

    /// <summary>Mean / min / max shared fraction over the cell's pairs (null with no completed pair).</summary>
    public double? MeanShared { get; init; }

    /// <summary>Smallest shared fraction of any pair.</summary>
    public double? MinShared { get; init; }

    /// <summary>Largest shared fraction of any pair.</summary>
    public double? MaxShared { get; init; }

    /// <summary>Mean agree fraction.</summary>
    public double? MeanAgree { get; init; }

    /// <summary>Mean final FVU of the cell's runs.</summary>
    public double? MeanFvu { get; init; }

    /// <summary>Mean final L0.</summary>
    public double? MeanL0 { get; init; }

    /// <summary>Shared fraction at thresholds 0, 0.01, …, 1 (101 points), averaged over pairs; empty without pairs.</summary>
    public IReadOnlyList<double> ThresholdCurve { get; init; } = [];

    /// <summary>Histogram of matched decoder cosines over [0, 1] in 20 equal bins (negatives in the first), summed over pairs.</summary>
    public IReadOnlyList<long> DecCosHistogram { get; init; } = [];

    /// <summary>Same for encoder cosines.</summary>
    public IReadOnlyList<long> EncCosHistogram { get; init; } = [];

    /// <summary>Index m−1: latents (summed over the cell's SAEs) that have a shared partner in m of the N SAEs (itself included); empty unless every pair completed.</summary>
    public IReadOnlyList<long> AppearsIn { get; init; } = [];

    /// <summary>Ground-truth recovery of shared vs orphan latents (synthetic data only, every pair completed).</summary>
    public CellRecovery? Recovery { get; init; }
}

/// <summary>
/// How well the cell's latents recover the ground-truth features, averaged over its SAEs.
/// Shared = has a shared partner in at least one other seed; orphan = in none.
/// </summary>
public sealed record CellRecovery(double Mmcs, double FractionRecovered, double Threshold,
    int SharedLatents, double? SharedMeanBestCos, int OrphanLatents, double? OrphanMeanBestCos);

/// <summary>One of the paper's trends and what this sweep says about it.</summary>
/// <param name="Trend">e.g. "Wider SAEs share fewer latents".</param>
/// <param name="Verdict">"reproduced", "not reproduced" or "not tested".</param>
/// <param name="Evidence">One sentence with the numbers behind the verdict.</param>
public sealed record TrendCheck(string Trend, string Verdict, string Evidence);
