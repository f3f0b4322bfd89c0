using System.Security.Cryptography;

namespace Sae.Cluster.Tests;

public sealed class SignedComparisonTests : IDisposable
{
    private readonly SweepRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private async Task<(SweepPlan Plan, PlannedComparison Comparison)> RunAsync(string yaml)
    {
        var plan = await _rig.SubmitAsync(yaml);
        await new Reconciler(_rig.Entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);
        await SweepRig.DrainAsync(_rig.Worker());
        return (plan, Assert.Single(plan.Comparisons));
    }

    private async Task<byte[]> BytesAsync(string name) => (await _rig.Blobs.ReadAsync(name))!.Content;

    [Fact]
    public async Task Compare_TopKCell_ResultAndMatchesBytesAsBeforeSignInvariance()
    {
        var (plan, c) = await RunAsync(TinySweep.Yaml);
        var result = await BytesAsync(StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId));
        var matches = await BytesAsync(StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId));
        // the hashes the files had before sign-invariant matching existed (same with AVX-512 off)
        Assert.Equal("e9067b40fa032886b25ebb4cd1c71ca0cdbc2e29c4df728087bca7f3f4151685", Convert.ToHexStringLower(SHA256.HashData(result)));
        Assert.Equal("f1dbf8b73359f2c16f4452650fb375fe8a9863126ed9a9aa513b137c69d6b16a", Convert.ToHexStringLower(SHA256.HashData(matches)));
    }
}
