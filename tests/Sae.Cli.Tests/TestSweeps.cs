using System.Globalization;

namespace Sae.Cli.Tests;

/// <summary>
/// The small sweep the crash tests run: 3 cells (TopK at two widths, ReLU+L1) × 3 seeds on tiny synthetic data,
/// two seeds per training job (so jobs and their subsets are exercised), a checkpoint every 40 steps.
/// </summary>
internal static class TestSweeps
{
    /// <summary>Runs (9) and comparisons (9) of <see cref="Small"/>.</summary>
    public const int Runs = 9;

    public static string Small(string name, int steps, double leaseSeconds = 60) => string.Create(CultureInfo.InvariantCulture, $$"""
        name: {{name}}
        dataset:
          synthetic: {features: 64, dim: 16, rows: 16384, active: 3, seed: 3}
          shard_rows: 4096
        grid:
          - architecture: topk
            latents: [32, 96]
            k: [3]
          - architecture: relu
            latents: [48]
            l1: [0.05]
        seeds: 3
        training: {batch: 256, steps: {{steps}}, lr: 0.004, lr_warmup_steps: 20, checkpoint_every: 40, auxk_alpha: 0.03125, dead_tokens: 20000}
        resources: {workers: 2, threads_per_worker: 1, seeds_per_job: 2, lease_seconds: {{leaseSeconds}}}
        """);
}
