namespace Sae.Cluster.Tests;

public sealed class SweepSubmitterTests : IDisposable
{
    private readonly SweepRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task SubmitAsync_Fresh_SpecDatasetAndIdleStatesStored()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);

        Assert.NotNull(await _rig.Blobs.ReadAsync(StoreLayout.SweepSpec(plan.SweepId)));
        Assert.NotNull(await _rig.Blobs.ReadAsync(StoreLayout.SweepState(plan.SweepId)));
        Assert.NotNull(await _rig.Blobs.ReadAsync(StoreLayout.DatasetManifest(plan.Document.Dataset.Id)));
        Assert.Equal((8, 2048L, 16), (plan.Document.Dataset.D, plan.Document.Dataset.Rows, plan.Document.Dataset.GroundTruthFeatures));
        Assert.StartsWith("tiny-", plan.SweepId, StringComparison.Ordinal);
        foreach (var run in plan.Runs)
            Assert.Equal(Lifecycle.Pending, (await _rig.RunAsync(plan, run.RunId)).Status);
        foreach (var c in plan.Comparisons)
            Assert.Equal(Lifecycle.Waiting, (await _rig.ComparisonAsync(plan, c)).Status);
        Assert.Equal([plan.SweepId], await new SweepCatalog(_rig.Blobs).ListAsync());
    }

    [Fact]
    public async Task SubmitAsync_Again_SameSweepAndNothingOverwritten()
    {
        var first = await _rig.SubmitAsync();
        await _rig.Entities.UpdateAsync(StoreLayout.RunState(first.SweepId, first.Runs[0].RunId), s => Lifecycle.Claim(s, "w1", _rig.Time.GetUtcNow(), TimeSpan.FromSeconds(30)));
        var before = await _rig.FingerprintAsync();

        var second = await _rig.SubmitAsync();

        Assert.Equal(first.SweepId, second.SweepId);
        Assert.Equal(before, await _rig.FingerprintAsync());
        Assert.Equal(Lifecycle.Training, (await _rig.RunAsync(second, second.Runs[0].RunId)).Status);
    }

    [Fact]
    public async Task ResolveAsync_OneSweepOrNamed_FoundUnknownIsInputError()
    {
        var plan = await _rig.SubmitAsync();
        Assert.Equal(plan.SweepId, (await SweepSubmitter.ResolveAsync(_rig.Blobs, null)).SweepId);
        Assert.Equal(plan.SweepId, (await SweepSubmitter.ResolveAsync(_rig.Blobs, plan.SweepId)).SweepId);
        await Assert.ThrowsAsync<Sae.Core.SaeInputException>(() => SweepSubmitter.ResolveAsync(_rig.Blobs, "nope"));
    }
}
