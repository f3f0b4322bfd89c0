using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// A validated sweep: the dataset, the grid's cells, the seeds, the comparison settings and the resources.
/// Built by <see cref="SweepSpecReader"/> from YAML or JSON (see examples/sweep.yaml); immutable.
/// Everything but <see cref="Resources"/> decides results and so the sweep's id.
/// </summary>
public sealed record SweepSpec(string Name, DatasetSpec Dataset, IReadOnlyList<CellSpec> Cells, IReadOnlyList<ulong> Seeds,
    ComparisonSettings Comparison, ResourceSettings Resources, long CheckpointEvery, SaeFileLayout Format);

/// <summary>Where the activations come from: the synthetic generator (with ground truth) or files.</summary>
/// <param name="Synthetic">The synthetic recipe, or null.</param>
/// <param name="Path">A .npy/.safetensors file, a manifest.json or a directory of shards, or null.</param>
/// <param name="Tensor">The tensor to read from safetensors files (null: the only one).</param>
/// <param name="ShardRows">Rows per shard when the data is written into the store.</param>
public sealed record DatasetSpec(SyntheticDataSpec? Synthetic, string? Path, string? Tensor, int ShardRows);

/// <summary>One point of the grid: an SAE recipe trained with every seed, and whose seeds are compared pairwise.</summary>
/// <param name="Key">Readable, content-derived key, e.g. "topk-w256-k5-1a2b3c" (the suffix hashes every setting).</param>
/// <param name="Sae">The SAE recipe.</param>
/// <param name="Train">The optimiser settings (threads are set by the worker).</param>
public sealed record CellSpec(string Key, SaeConfig Sae, TrainConfig Train);

/// <summary>How pairs are compared.</summary>
/// <param name="Threshold">Shared-latent threshold on both matched cosines.</param>
/// <param name="GroundTruth">"auto" (the synthetic dataset's features), "none", or a path to a safetensors file of features [G, d].</param>
/// <param name="MemoryBudgetBytes">Above this the dense cosine matrix gives way to the large-scale matcher.</param>
public sealed record ComparisonSettings(double Threshold, string GroundTruth, long MemoryBudgetBytes);

/// <summary>How the work is run; none of it changes a bit of the results.</summary>
/// <param name="Workers">Worker loops in the process (embedded) — each trains or compares one thing at a time.</param>
/// <param name="ThreadsPerWorker">Threads each worker's kernels use.</param>
/// <param name="SeedsPerJob">How many seeds of a cell one training job trains in one pass over the data.</param>
/// <param name="MaxFailures">After this many failed attempts an entity is Failed, with the reason kept.</param>
/// <param name="LeaseSeconds">How long a claim lasts without a heartbeat (heartbeats come every third of it).</param>
public sealed record ResourceSettings(int Workers, int ThreadsPerWorker, int SeedsPerJob, int MaxFailures, double LeaseSeconds)
{
    /// <summary>The lease as a time span.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
