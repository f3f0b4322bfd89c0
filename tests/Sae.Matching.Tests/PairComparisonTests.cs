using System.Text.Json;
using Sae.Core;

namespace Sae.Matching.Tests;

public class PairComparisonTests
{
    // d = 64: cosines between unrelated Gaussian rows have std 1/8, so none come near 0.7
    private const int D = 64;
    private static readonly MatchingOptions Options = new(threads: 1);

    private static (SaeParameters A, SaeParameters B, int[] Perm) HalfPlanted(int na = 64, int nb = 64, int planted = 32)
    {
        var a = Planted.Random(na, D, 1);
        var b = Planted.Random(nb, D, 2);
        var perm = Planted.Permutation(nb, 3);
        for (int i = 0; i < planted; i++)
            Planted.Copy(a, i, b, perm[i]);
        return (a, b, perm);
    }

    private static string Json(PairResult r) => ComparisonJson.Pair(r.Summary).ToJsonString();

    [Fact]
    public void Compare_HalfPermutedCopies_SharedAndAgreeExactlyOnPlanted()
    {
        var (a, b, perm) = HalfPlanted();
        var r = PairComparison.Compare(a, b, Options);
        Assert.Equal(0.5, r.Summary.SharedFraction);
        Assert.Equal(0.5, r.Summary.AgreeAndSharedFraction);
        Assert.True(r.Summary.AgreeFraction >= 0.5);
        for (int i = 0; i < 32; i++)
        {
            Assert.Equal(perm[i], r.Decoder.Assignment.RowToColumn[i]);
            Assert.Equal(perm[i], r.Encoder.Assignment.RowToColumn[i]);
            Assert.True(r.IsShared(i, 0.7) && r.Agrees(i));
            Assert.InRange(r.Decoder.PartnerCosine[i], 0.9999f, 1f);
        }
        Assert.All(Enumerable.Range(32, 32), i => Assert.False(r.IsShared(i, 0.7)));
        Assert.InRange(r.Summary.MmcsDecAB, 0.5, 1);
        Assert.Equal((64, 64, D, 0.7), (r.Summary.LatentsA, r.Summary.LatentsB, r.Summary.Dimension, r.Summary.Threshold));
    }

    [Fact]
    public void Compare_OnlyDecoderOrOnlyEncoderMatches_NotShared()
    {
        var a = Planted.Random(16, D, 4);
        var b = Planted.Random(16, D, 5);
        Planted.Copy(a, 0, b, 5, encoder: false);
        Planted.Copy(a, 1, b, 6, decoder: false);
        Planted.Copy(a, 2, b, 7);
        var r = PairComparison.Compare(a, b, Options);
        Assert.Equal(5, r.Decoder.Assignment.RowToColumn[0]);
        Assert.Equal(6, r.Encoder.Assignment.RowToColumn[1]);
        Assert.Equal([false, false, true], Enumerable.Range(0, 3).Select(i => r.IsShared(i, 0.7)));
        Assert.Equal(1.0 / 16, r.Summary.SharedFraction);
    }

    [Fact]
    public void Compare_ZeroAndNaNRows_CosineZeroNotShared()
    {
        var a = Planted.Random(32, D, 6);
        a.EncoderWeight.AsSpan(0, D).Clear();
        a.DecoderWeight.AsSpan(0, D).Clear();
        a.DecoderWeight[1 * D + 3] = float.NaN;
        var b = a.Clone();
        var r = PairComparison.Compare(a, b, Options);
        Assert.Equal(0f, r.Decoder.PartnerCosine[0]);
        Assert.Equal(0f, r.Decoder.PartnerCosine[1]);
        Assert.False(r.IsShared(0, 0) || r.IsShared(1, 0));
        Assert.Equal(30.0 / 32, r.Summary.SharedFraction);
        Assert.All(r.Summary.ThresholdCurve.Append(r.Summary.MmcsDecAB).Append(r.Summary.MeanDecCos), x => Assert.True(double.IsFinite(x)));
    }

    [Fact]
    public void Compare_RectangularEitherOrder_NarrowerSideIsA()
    {
        var (a, b, _) = HalfPlanted(na: 48, nb: 80, planted: 24);
        var ab = PairComparison.Compare(a, b, Options);
        var ba = PairComparison.Compare(b, a, Options);
        Assert.False(ab.Swapped);
        Assert.True(ba.Swapped);
        Assert.Equal(0.5, ab.Summary.SharedFraction);
        Assert.Equal((48, 80), (ab.Summary.LatentsA, ab.Summary.LatentsB));
        Assert.Equal(Json(ab), Json(ba));
        Assert.Equal(PairSide.B, ba.SideOf(firstArgument: true));
        Assert.Equal(24, ba.SharedMask(PairSide.B).Count(s => s));
        Assert.Equal(80 - 48, ab.Decoder.Assignment.ColumnToRow.Count(r => r < 0));
    }

    [Fact]
    public void ThresholdCurve_Planted_NonIncreasingAndConsistentWithThreshold()
    {
        var (a, b, _) = HalfPlanted();
        // blur the planted copies by different amounts so their cosines spread over (0, 1) and the curve has many steps
        var noise = Planted.Random(64, D, 9).DecoderWeight;
        for (int j = 0; j < 64; j++)
            for (int k = 0; k < D; k++)
                b.DecoderWeight[j * D + k] += noise[j * D + k] * 0.5f * j / 64;
        var r = PairComparison.Compare(a, b, Options);
        var curve = r.Summary.ThresholdCurve;
        Assert.Equal(101, curve.Length);
        for (int k = 1; k < curve.Length; k++)
            Assert.True(curve[k] <= curve[k - 1], $"curve rises at t = {k / 100.0}");
        Assert.Equal(r.Summary.SharedFraction, curve[70]);
        Assert.Equal(0, curve[100]);
        Assert.True(curve.Distinct().Count() > 5, string.Join(", ", curve));
    }

    [Fact]
    public void Compare_SameWeightsInSparsifyAndSaeLensLayouts_IdenticalResults()
    {
        var (a, b, _) = HalfPlanted();
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.TopK, D, 64, k: 4);
        SaeFiles.Save(dir.File("sparsify"), config, a, SaeFileLayout.Sparsify);
        SaeFiles.Save(dir.File("saelens"), config, a, SaeFileLayout.SaeLens);
        var fromSparsify = PairComparison.Compare(SaeFiles.Load(dir.File("sparsify")).Parameters, b, Options);
        var fromSaeLens = PairComparison.Compare(SaeFiles.Load(dir.File("saelens")).Parameters, b, Options);
        Assert.Equal(Json(fromSparsify), Json(fromSaeLens));
        Assert.Equal(fromSparsify.Encoder.Assignment.RowToColumn, fromSaeLens.Encoder.Assignment.RowToColumn);
        Assert.Equal(fromSparsify.Encoder.PartnerCosine, fromSaeLens.Encoder.PartnerCosine);
    }

    [Fact]
    public void Compare_AnyThreadCount_IdenticalResults()
    {
        var (a, b, _) = HalfPlanted();
        var one = PairComparison.Compare(a, b, new MatchingOptions(threads: 1));
        var three = PairComparison.Compare(a, b, new MatchingOptions(threads: 3));
        Assert.Equal(Json(one), Json(three));
        Assert.Equal(one.Decoder.PartnerCosine, three.Decoder.PartnerCosine);
    }

    [Fact]
    public void Compare_DifferentWidths_Throws() =>
        Assert.Throws<SaeInputException>(() => PairComparison.Compare(Planted.Random(4, 8, 1), Planted.Random(4, 9, 1), Options));

    [Fact]
    public void Compare_OverMemoryBudget_SparsePathGivesTheDenseAnswerOnPlantedPairs()
    {
        // 2300² floats = 20.2 MiB > the 19 MiB budget: the candidate-graph path runs
        var (a, b, perm) = HalfPlanted(2300, 2300, 700);
        var dense = PairComparison.Compare(a, b, Options);
        var sparse = PairComparison.Compare(a, b, new MatchingOptions(threads: 2, memoryBudgetBytes: 19L << 20));
        Assert.Equal("dense", dense.Summary.Method);
        Assert.Equal("sparse", sparse.Summary.Method);
        Assert.Equal(700.0 / 2300, sparse.Summary.SharedFraction, 12);
        Assert.Equal(dense.Summary.SharedFraction, sparse.Summary.SharedFraction);
        for (int i = 0; i < 700; i++)
            Assert.Equal(perm[i], sparse.Decoder.Assignment.RowToColumn[i]);
        Assert.Equal(dense.Summary.MmcsDecAB, sparse.Summary.MmcsDecAB, 6);
        Assert.Equal(dense.Summary.MmcsEncBA, sparse.Summary.MmcsEncBA, 6);
        // the sparse total is within its proven gap of the exact optimum
        Assert.True(dense.Decoder.Assignment.Total - sparse.Decoder.Assignment.Total <= sparse.Summary.OptimalityGapDec + 1e-3);
        Assert.Equal(0, dense.Summary.OptimalityGapDec);
    }

    [Fact]
    public void Compare_Progress_CoversEveryStageInOrder()
    {
        var (a, b, _) = HalfPlanted();
        var seen = new List<ComparisonProgress>();
        PairComparison.Compare(a, b, Options, new SyncProgress<ComparisonProgress>(seen.Add));
        Assert.Equal(Enum.GetValues<ComparisonStage>(), seen.Select(p => p.Stage).Distinct());
        Assert.Equal(seen.Select(p => p.Overall).Order(), seen.Select(p => p.Overall));
    }

    [Theory]
    [InlineData(-0.1, 1, "--threshold must be between 0 and 1")]
    [InlineData(double.NaN, 1, "--threshold must be between 0 and 1")]
    [InlineData(0.7, 0, "--threads must be >= 1")]
    public void Options_Invalid_NamesTheSetting(double threshold, int threads, string expected)
    {
        var e = Assert.Throws<SaeInputException>(() => new MatchingOptions(threshold, threads));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PairSummary_Json_HasTheDocumentedKeys()
    {
        var (a, b, _) = HalfPlanted();
        var json = JsonDocument.Parse(Json(PairComparison.Compare(a, b, Options)));
        string[] keys = ["shared_fraction", "agree_fraction", "agree_and_shared_fraction", "mean_dec_cos", "mean_enc_cos", "mmcs_dec_ab",
            "mmcs_dec_ba", "mmcs_enc_ab", "mmcs_enc_ba", "threshold_curve", "n_a", "n_b", "d", "method", "optimality_gap_dec", "optimality_gap_enc", "threshold"];
        Assert.Equal(keys.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
    }
}
