namespace Sae.Cluster;

// The sweep file as written by the user (YAML or JSON, snake_case keys). SweepSpecReader validates it
// into a SweepSpec; unknown keys are errors so a typo never silently falls back to a default.
#pragma warning disable CA1812, CA2227 // instantiated and filled by YamlDotNet
internal sealed class SweepSpecFile
{
    public string? Name { get; set; }

    public DatasetFile? Dataset { get; set; }

    public List<GridEntryFile>? Grid { get; set; }

    public object? Seeds { get; set; }

    public TrainingFile? Training { get; set; }

    public ComparisonFile? Comparison { get; set; }

    public ResourcesFile? Resources { get; set; }
}

internal sealed class DatasetFile
{
    public SyntheticFile? Synthetic { get; set; }

    public string? Path { get; set; }

    public string? Tensor { get; set; }

    public int? ShardRows { get; set; }
}

internal sealed class SyntheticFile
{
    public int? Features { get; set; }

    public int? Dim { get; set; }

    public long? Rows { get; set; }

    public double? Active { get; set; }

    public bool? Correlated { get; set; }

    public ulong? Seed { get; set; }
}

internal sealed class GridEntryFile
{
    public string? Architecture { get; set; }

    public List<int>? Latents { get; set; }

    public List<int>? K { get; set; }

    public List<double>? L1 { get; set; }

    public List<double>? L0 { get; set; }

    public List<int>? Groups { get; set; }

    public List<long>? Steps { get; set; }

    public double? Lr { get; set; }

    public int? Batch { get; set; }
}

internal sealed class TrainingFile
{
    public int? Batch { get; set; }

    public long? Steps { get; set; }

    public double? Lr { get; set; }

    public int? LrWarmupSteps { get; set; }

    public string? LrDecay { get; set; }

    public string? GradClip { get; set; }

    public bool? MultiTopk { get; set; }

    public double? AuxkAlpha { get; set; }

    public long? DeadTokens { get; set; }

    public int? L1WarmupSteps { get; set; }

    public int? ThresholdStartStep { get; set; }

    public int? L0WarmupSteps { get; set; }

    public double? JumpreluBandwidth { get; set; }

    public double? JumpreluInitThreshold { get; set; }

    public ulong? DataSeed { get; set; }

    public long? CheckpointEvery { get; set; }

    public string? Format { get; set; }
}

internal sealed class ComparisonFile
{
    public double? Threshold { get; set; }

    public string? GroundTruth { get; set; }

    public string? MemoryBudget { get; set; }
}

internal sealed class ResourcesFile
{
    public int? Workers { get; set; }

    public int? ThreadsPerWorker { get; set; }

    public int? SeedsPerJob { get; set; }

    public int? MaxFailures { get; set; }

    public double? LeaseSeconds { get; set; }
}
#pragma warning restore CA1812, CA2227
