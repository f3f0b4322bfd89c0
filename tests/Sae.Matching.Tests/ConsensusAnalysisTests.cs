using Sae.Core;

namespace Sae.Matching.Tests;

public class ConsensusAnalysisTests
{
    private const int N = 64, D = 64;

    /// <summary>
    /// Three SAEs: latents 0–15 of SAE 0 are in all three (group X), 16–31 only in SAE 1 (Y);
    /// 16 more latents are shared by SAEs 1 and 2 only (Z); everything else is unique.
    /// </summary>
    internal static (SaeParameters[] Saes, int[][] Perms) ThreeSaes()
    {
        var saes = new[] { Planted.Random(N, D, 10), Planted.Random(N, D, 11), Planted.Random(N, D, 12) };
        var p1 = Planted.Permutation(N, 13);
        var p2 = Planted.Permutation(N, 14);
        for (int i = 0; i < 16; i++)
        {
            Planted.Copy(saes[0], i, saes[1], p1[i]);
            Planted.Copy(saes[0], i, saes[2], p2[i]);
            Planted.Copy(saes[0], 16 + i, saes[1], p1[16 + i]);
            Planted.Copy(saes[1], p1[32 + i], saes[2], p2[32 + i]);
        }
        return (saes, [Enumerable.Range(0, N).ToArray(), p1, p2]);
    }

    internal static IndexedPair[] AllPairs(IReadOnlyList<SaeParameters> saes)
    {
        var options = new MatchingOptions();
        return (from i in Enumerable.Range(0, saes.Count)
                from j in Enumerable.Range(i + 1, saes.Count - i - 1)
                select new IndexedPair(i, j, PairComparison.Compare(saes[i], saes[j], options))).ToArray();
    }

    [Fact]
    public void Compute_ThreePlantedSaes_ExpectedHistogramsAndMatrix()
    {
        var (saes, perms) = ThreeSaes();
        var c = ConsensusAnalysis.Compute(saes.Select(s => s.Latents).ToArray(), AllPairs(saes));
        Assert.Equal(3, c.SaeCount);
        Assert.Equal([32L, 16, 16], c.Saes[0].Histogram);
        Assert.Equal([16L, 32, 16], c.Saes[1].Histogram);
        Assert.Equal([32L, 16, 16], c.Saes[2].Histogram);
        Assert.Equal(Enumerable.Range(0, 16), c.Saes[0].SharedByAll);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => perms[2][i]).Order(), c.Saes[2].SharedByAll);
        Assert.Equal(0.25, c.Saes[0].Fraction(3));
        double[][] expected = [[1, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 1]];
        Assert.Equal(expected, c.SharedFraction);
    }

    [Fact]
    public void Compute_DifferentWidths_EachSaeSeenFromItsOwnSide()
    {
        var a = Planted.Random(40, D, 1);
        var b = Planted.Random(24, D, 2);
        for (int i = 0; i < 12; i++)
            Planted.Copy(a, 2 * i, b, i);
        var c = ConsensusAnalysis.Compute([40, 24], AllPairs([a, b]));
        Assert.Equal([28L, 12], c.Saes[0].Histogram);
        Assert.Equal([12L, 12], c.Saes[1].Histogram);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 2 * i), c.Saes[0].SharedByAll);
        Assert.Equal(0.3, c.SharedFraction[0][1], 12);
        Assert.Equal(0.5, c.SharedFraction[1][0], 12);
    }

    [Fact]
    public void Compute_MissingPair_Throws()
    {
        var (saes, _) = ThreeSaes();
        var pairs = AllPairs(saes).Skip(1).ToArray();
        Assert.Throws<ArgumentException>(() => ConsensusAnalysis.Compute([N, N, N], pairs));
    }

    [Fact]
    public void ConsensusJson_HasHistogramAndMatrix()
    {
        var (saes, _) = ThreeSaes();
        var c = ConsensusAnalysis.Compute([N, N, N], AllPairs(saes));
        var json = ComparisonJson.Consensus(c, ["a", "b", "c"]);
        Assert.Equal("[32,16,16]", json["saes"]![0]!["appears_in_histogram"]!.ToJsonString());
        Assert.Equal(3, json["shared_fraction_matrix"]!.AsArray().Count);
        Assert.Equal(16, json["saes"]![0]!["shared_by_all"]!.AsArray().Count);
    }
}
