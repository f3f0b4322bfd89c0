using Sae.Cluster;
using Sae.Core;

namespace Sae.Cluster.Tests;

/// <summary>
/// Every registered architecture through a real (tiny) sweep: trained with checkpoints, compared seed
/// against seed, ground-truth recovery measured, and its final SAE files loadable as that architecture.
/// </summary>
public sealed class EveryArchitectureSweepTests
{
    private const string Spec = """
        name: every
        dataset:
          synthetic: {features: 48, dim: 16, rows: 8192, active: 3, seed: 5}
        grid:
          - {architecture: topk, latents: [32], k: [3]}
          - {architecture: batchtopk, latents: [32], k: [3]}
          - {architecture: matryoshka, latents: [32], k: [3], groups: [8, 8, 16]}
          - {architecture: abstopk, latents: [32], k: [3]}
          - {architecture: relu, latents: [32], l1: [0.1]}
          - {architecture: gated, latents: [32], l1: [0.1]}
          - {architecture: jumprelu, latents: [32], l0: [0.02]}
        seeds: 2
        training: {batch: 256, steps: 120, lr: 0.004, lr_warmup_steps: 10, checkpoint_every: 40, threshold_start_step: 50,
                   jumprelu_init_threshold: 0.05}
        resources: {workers: 2, threads_per_worker: 1}
        """;

    [Fact]
    public async Task EmbeddedSweep_EveryArchitecture_TrainsComparesAndReports()
    {
        using var dir = new TempDir();
        var spec = SweepSpecReader.Parse(Spec, "every.yaml", dir.Path);
        Assert.Equal(SaeArchitectures.All.Select(a => a.Name).Order(), spec.Cells.Select(c => c.Sae.Spec.Name).Order());
        var outcome = await new EmbeddedSweep(dir.File("store")).RunAsync(spec);

        Assert.True(outcome.Snapshot.IsFinished);
        Assert.All(outcome.Snapshot.Runs.Values, s => Assert.Equal(Lifecycle.Completed, s.Status));
        Assert.All(outcome.Snapshot.Comparisons.Values, s => Assert.Equal(Lifecycle.Completed, s.Status));
        Assert.All(outcome.Results.Cells, c =>
        {
            Assert.Equal(1, c.Pairs);
            Assert.NotNull(c.Recovery);
            Assert.InRange(c.MeanShared ?? -1, 0, 1);
            Assert.True(c.MeanFvu < 1, $"{c.Cell}: FVU {c.MeanFvu}");
        });
        var jump = outcome.Results.Cells.Single(c => c.Architecture == "jumprelu");
        Assert.Equal(0.02, jump.L0Coefficient);

        // the final SAEs in the store load as what they were trained as
        foreach (var sae in Directory.EnumerateFiles(dir.File("store"), "cfg.json", SearchOption.AllDirectories)
                     .Select(Path.GetDirectoryName).Where(d => d!.Contains("final", StringComparison.Ordinal)))
        {
            var loaded = SaeFiles.Load(sae!);
            Assert.NotNull(loaded.Architecture);
        }
    }
}
