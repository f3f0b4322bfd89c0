using Sae.Core;

namespace Sae.Cluster.Tests;

/// <summary>
/// A sweep small enough to train for real in milliseconds: 16 synthetic features in d = 8, 2048 rows,
/// TopK SAEs with 16 latents, 20 steps of batch 64, a checkpoint every 5 steps, two seeds.
/// </summary>
internal static class TinySweep
{
    public const string Yaml = """
        name: tiny
        dataset:
          synthetic: {features: 16, dim: 8, rows: 2048, active: 3, seed: 3}
          shard_rows: 1024
        grid:
          - architecture: topk
            latents: [16]
            k: [2]
        seeds: 2
        training:
          batch: 64
          steps: 20
          lr: 0.001
          lr_warmup_steps: 0
          dead_tokens: 1000
          checkpoint_every: 5
        comparison:
          threshold: 0.7
          memory_budget: 64MiB
        resources:
          workers: 1
          threads_per_worker: 1
          max_failures: 2
          lease_seconds: 30
        """;

    /// <summary>The same sweep with two cells (k 2 and k 4).</summary>
    public static string TwoCells => Yaml.Replace("k: [2]", "k: [2, 4]", StringComparison.Ordinal);

    public static SweepSpec Parse(string yaml = Yaml) => SweepSpecReader.Parse(yaml, "tiny.yaml", Path.GetTempPath());
}
