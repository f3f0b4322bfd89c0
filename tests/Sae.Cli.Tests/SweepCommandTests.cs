namespace Sae.Cli.Tests;

/// <summary>`sae sweep` and `sae demo` on bad input: one line naming the problem, exit code 2, nothing half-written.</summary>
public sealed class SweepCommandTests
{
    [Theory]
    [InlineData("name: a\nfoo: 1\n", "unknown key 'foo'")]
    [InlineData("name: a\ndataset: {synthetic: {features: 8, dim: 4}}\ngrid: [{architecture: topk, latents: [4], k: [9]}]\ntraining: {steps: 5}\n", "grid[0]")]
    [InlineData("name: a\ndataset: {synthetic: {features: 8, dim: 4}}\ngrid: [{architecture: gate, latents: [4]}]\ntraining: {steps: 5}\n", "architecture must be topk, relu")]
    [InlineData("name: a\ndataset: {synthetic: {features: 8, dim: 4}}\ngrid: [{architecture: topk, latents: [4], k: [2]}]\n", "no steps")]
    [InlineData("name: a\ngrid: [{architecture: topk, latents: [4], k: [2]}]\ntraining: {steps: 5}\n", "dataset needs exactly one of")]
    [InlineData("name: a\ndataset: {path: does-not-exist.npy}\ngrid: [{architecture: topk, latents: [4], k: [2]}]\ntraining: {steps: 5}\n", "does-not-exist.npy")]
    [InlineData("name: a\ndataset: {synthetic: {features: 8, dim: 4}}\ngrid: [{architecture: topk, latents: [4], k: [2]}]\ntraining: {steps: 5}\nresources: {workers: 0}\n", "resources.workers")]
    [InlineData("name: a\ndataset: {synthetic: {features: 8, dim: 4}}\ngrid: [{architecture: topk, latents: [4], k: [2]}]\ntraining: {steps: 5}\ncomparison: {threshold: 1.5}\n", "comparison.threshold")]
    [InlineData("grid: [\n", "line")]
    public void SweepRun_BadSpec_OneLineErrorAndNoStore(string yaml, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("s.yaml"), yaml);
        Expect.UserError(SaeProcess.Run("sweep", "run", dir.File("s.yaml"), "--store", dir.File("store")), expected);
        Assert.False(Directory.Exists(dir.File("store", "sweeps")));
    }

    [Fact]
    public void SweepStatus_NoStore_SaysHowToNameOne()
    {
        Expect.UserError(SaeProcess.Run("sweep", "status"), "--store");
    }

    [Fact]
    public void SweepStatus_EmptyStore_SaysHowToStartASweep()
    {
        using var dir = new TempDir();
        Expect.UserError(SaeProcess.Run("sweep", "status", "--store", dir.Path), "sae sweep run");
    }

    [Fact]
    public void SweepReport_MissingStore_OneLineError()
    {
        using var dir = new TempDir();
        Expect.UserError(SaeProcess.Run("sweep", "report", "--store", dir.File("nothing")), "no such directory");
    }
}
