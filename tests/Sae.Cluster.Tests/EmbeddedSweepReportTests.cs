using Sae.Cluster;

namespace Sae.Cluster.Tests;

/// <summary>
/// A real (small) sweep through the embedded runtime — synthetic data with ground truth, two architectures at two
/// widths, three seeds — whose report.html is then opened in headless Chromium: every chart and table present,
/// no console errors; the screenshot is kept as a test artifact.
/// </summary>
public sealed class EmbeddedSweepReportTests
{
    private const string Spec = """
        name: browser
        dataset:
          synthetic: {features: 48, dim: 16, rows: 8192, active: 3, seed: 5}
        grid:
          - architecture: topk
            latents: [32, 64]
            k: [3]
          - architecture: relu
            latents: [32, 64]
            l1: [0.1]
        seeds: 3
        training: {batch: 256, steps: 150, lr: 0.004, lr_warmup_steps: 10, checkpoint_every: 50}
        resources: {workers: 2, threads_per_worker: 1}
        """;

    [Fact]
    public async Task EmbeddedSweep_SyntheticGrid_ReportOpensInChromiumWithEveryChartAndTable()
    {
        using var dir = new TempDir();
        var spec = SweepSpecReader.Parse(Spec, "browser.yaml", dir.Path);
        var outcome = await new EmbeddedSweep(dir.File("store")).RunAsync(spec);

        Assert.True(outcome.Snapshot.IsFinished);
        Assert.All(outcome.Snapshot.Runs.Values, s => Assert.Equal(Lifecycle.Completed, s.Status));
        Assert.All(outcome.Results.Cells, c => Assert.Equal(3, c.Pairs));
        Assert.All(outcome.Results.Cells, c => Assert.NotNull(c.Recovery));
        Assert.All(outcome.Results.Cells, c => Assert.Equal(3L * c.Latents, c.AppearsIn.Sum()));
        string html = Path.Combine(outcome.ReportDirectory, "report.html");
        foreach (string name in SummaryFiles.FileNames)
            Assert.True(File.Exists(Path.Combine(outcome.ReportDirectory, name)), name);

        await ReportBrowser.CheckAsync(html, TestArtifacts.PathFor("embedded-sweep-report.png"), expectRecovery: true);
    }
}
