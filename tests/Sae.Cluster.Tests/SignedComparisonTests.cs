using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sae.Matching;

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

    private static string AbsTopK => TinySweep.Yaml.Replace("architecture: topk", "architecture: abstopk", StringComparison.Ordinal);

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

    [Fact]
    public async Task Compare_TopKCell_NoSignKeysOrColumns()
    {
        var (plan, c) = await RunAsync(TinySweep.Yaml);
        var result = JsonNode.Parse(await BytesAsync(StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId)))!.AsObject();
        Assert.False(result.ContainsKey("sign_invariant") || result.ContainsKey("flipped_dec"));
        string matches = Encoding.UTF8.GetString(await BytesAsync(StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId)));
        Assert.StartsWith(MatchesCsv.Header + "\n", matches, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_AbsTopKCell_SignInvariantComparisonAndGroundTruth()
    {
        var (plan, c) = await RunAsync(AbsTopK);
        var result = JsonNode.Parse(await BytesAsync(StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId)))!;
        Assert.True(result["sign_invariant"]!.GetValue<bool>());
        int flippedDec = result["flipped_dec"]!.GetValue<int>();
        Assert.True(flippedDec > 0, "two seeds of a trained AbsTopK SAE learn some features with opposite signs (7 of 16 partners here)");
        var lines = Encoding.UTF8.GetString(await BytesAsync(StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(MatchesCsv.SignInvariantHeader, lines[0]);
        Assert.Equal(flippedDec, lines.Skip(1).Count(l => l.Split(',')[7] == "-1"));
        Assert.All(lines.Skip(1), l => Assert.True(float.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture) >= 0));

        // appears-in-m-of-N reads the comparison's shared lists; ground-truth recovery must use |cos| as the comparison did
        string cache = Path.Combine(_rig.WorkDirectory, "analysis");
        var results = await new SweepAnalysis(_rig.Blobs, cache).BuildAsync(await SweepSnapshot.ReadAsync(_rig.Entities, plan));
        var recovery = Assert.Single(results.Cells).Recovery!;
        var truth = await new DatasetStore(_rig.Blobs).GroundTruthAsync(plan.Document.Dataset, cache, CancellationToken.None);
        int d = plan.Document.Dataset.D;
        var appears = Enumerable.Repeat(1, plan.Runs[0].Cell.Latents).ToArray();
        async Task<double> MmcsAsync(bool signInvariant)
        {
            double sum = 0;
            foreach (var run in plan.Runs)
            {
                var sae = await FinalSaes.LoadAsync(_rig.Blobs, cache, plan.SweepId, run, CancellationToken.None);
                sum += GroundTruthRecovery.Compute(truth, truth.Length / d, sae.Parameters, appears, plan.Runs.Count, signInvariant: signInvariant).MeanFeatureBestCosine;
            }
            return sum / plan.Runs.Count;
        }
        Assert.Equal(await MmcsAsync(signInvariant: true), recovery.Mmcs, 12);
        Assert.True(recovery.Mmcs > await MmcsAsync(signInvariant: false), "this AbsTopK SAE learnt no feature with the opposite sign; the test cannot tell |cos| from cos");
    }
}
