using Sae.Core;

namespace Sae.Matching.Tests;

public class GroundTruthRecoveryTests
{
    private const int D = 64, G = 40, N = 64;

    [Fact]
    public void Compute_PlantedFeatures_RecoveredByTheSharedLatents()
    {
        var truth = Planted.Directions(G, D, 20);
        var a = Planted.Random(N, D, 21);
        var b = Planted.Random(N, D, 22);
        var perm = Planted.Permutation(N, 23);
        // latents 0–19 of A are true features 0–19 and are copied into B; latents 20–29 are shared but not true features
        for (int i = 0; i < 20; i++)
            truth.AsSpan(i * D, D).CopyTo(a.DecoderWeight.AsSpan(i * D, D));
        for (int i = 0; i < 30; i++)
            Planted.Copy(a, i, b, perm[i]);
        var consensus = ConsensusAnalysis.Compute([N, N], ConsensusAnalysisTests.AllPairs([a, b]));
        var r = GroundTruthRecovery.Compute(truth, G, a, consensus.Saes[0].AppearsIn, 2);

        Assert.Equal(G, r.Features);
        Assert.Equal(0.5, r.FractionRecovered);
        Assert.All(r.FeatureBestCosine.Take(20), c => Assert.InRange(c, 0.9999f, 1f));
        Assert.InRange(r.MeanFeatureBestCosine, 0.5, 0.8);
        Assert.Equal(new LatentGroupRecovery(30, r.Shared.MeanBestCosine, 20.0 / 30), r.Shared);
        Assert.Equal(r.Shared, r.SharedByAll);
        Assert.Equal(34, r.Orphan.Count);
        Assert.Equal(0.0, r.Orphan.FractionRecovering);
        Assert.True(r.Shared.MeanBestCosine > r.Orphan.MeanBestCosine + 0.3);
    }

    [Fact]
    public void Compute_NoSharedLatents_EmptyGroupIsNullInJson()
    {
        var truth = Planted.Directions(G, D, 1);
        var a = Planted.Random(N, D, 2);
        var r = GroundTruthRecovery.Compute(truth, G, a, Enumerable.Repeat(1, N).ToArray(), 2);
        Assert.Equal(0, r.Shared.Count);
        var json = ComparisonJson.Recovery(r);
        Assert.Null(json["shared"]!["mean_best_cos"]);
        Assert.Equal(N, (int)json["orphan"]!["count"]!);
    }

    [Fact]
    public void Compute_WrongFeatureWidth_Throws() =>
        Assert.Throws<SaeInputException>(() => GroundTruthRecovery.Compute(new float[G * (D + 1)], G, Planted.Random(N, D, 1), new int[N], 2));
}
