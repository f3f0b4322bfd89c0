using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sae.Core;

namespace Sae.Matching.Tests;

public class SignInvariantMatchingTests
{
    private const int D = 64;
    private static readonly MatchingOptions Signed = new(threads: 1);
    private static readonly MatchingOptions SignInvariant = new(threads: 1) { SignInvariant = true };

    /// <summary>
    /// B = A with its latents permuted (A latent i → B latent perm[i]) and every third one read with the
    /// opposite sign: encoder and decoder rows both negated (and rescaled; cosines ignore scale).
    /// </summary>
    internal static (SaeParameters A, SaeParameters B, int[] Perm, bool[] Negated) NegatedCopy(int n, int seed)
    {
        var a = Planted.Random(n, D, seed);
        var b = Planted.Random(n, D, seed + 1);
        var perm = Planted.Permutation(n, seed + 2);
        var negated = Enumerable.Range(0, n).Select(i => i % 3 == 1).ToArray();
        for (int i = 0; i < n; i++)
        {
            Planted.Copy(a, i, b, perm[i]);
            if (negated[i])
            {
                Negate(b.EncoderWeight.AsSpan(perm[i] * D, D));
                Negate(b.DecoderWeight.AsSpan(perm[i] * D, D));
            }
        }
        return (a, b, perm, negated);
    }

    private static void Negate(Span<float> row)
    {
        foreach (ref float x in row)
            x = -x;
    }

    private static string[] CsvLines(PairResult r)
    {
        using var stream = new MemoryStream();
        MatchesCsv.Write(stream, r);
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Compare_NegatedPermutedCopy_AllSharedWithSignInvariance_NegatedOrphansWithout()
    {
        var (a, b, perm, negated) = NegatedCopy(64, 40);
        int flipped = negated.Count(x => x);
        var on = PairComparison.Compare(a, b, SignInvariant);
        var off = PairComparison.Compare(a, b, Signed);

        Assert.True(on.SignInvariant);
        Assert.Equal(1.0, on.Summary.SharedFraction);
        Assert.Equal(1.0, on.Summary.AgreeAndSharedFraction);
        Assert.Equal(perm, on.Decoder.Assignment.RowToColumn);
        Assert.Equal(perm, on.Encoder.Assignment.RowToColumn);
        var expectedSign = negated.Select(n => n ? (sbyte)-1 : (sbyte)1).ToArray();
        Assert.Equal(expectedSign, on.Decoder.PartnerSign);
        Assert.Equal(expectedSign, on.Encoder.PartnerSign);
        Assert.All(on.Decoder.PartnerCosine.Concat(on.Encoder.PartnerCosine), c => Assert.InRange(c, 0.9999f, 1f));
        Assert.InRange(on.Summary.MmcsDecAB, 0.9999, 1);
        Assert.Equal((true, flipped, flipped), (on.Summary.SignInvariant, on.Summary.FlippedDec, on.Summary.FlippedEnc));

        Assert.False(off.SignInvariant);
        Assert.Null(off.Decoder.PartnerSign);
        Assert.Equal((double)(64 - flipped) / 64, off.Summary.SharedFraction, 12);
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(!negated[i], off.IsShared(i, off.Threshold)));
        Assert.Equal((false, (int?)null, (int?)null), (off.Summary.SignInvariant, off.Summary.FlippedDec, off.Summary.FlippedEnc));
    }

    [Fact]
    public void Compare_SignInvariantEitherOrder_SameSignsAndSummary()
    {
        var (a, b, _, _) = NegatedCopy(48, 50);
        var wide = Planted.Random(80, D, 53);
        for (int i = 0; i < 48; i++)
        {
            a.EncoderWeight.AsSpan(i * D, D).CopyTo(wide.EncoderWeight.AsSpan((i + 20) * D, D));
            a.DecoderWeight.AsSpan(i * D, D).CopyTo(wide.DecoderWeight.AsSpan((i + 20) * D, D));
        }
        var ab = PairComparison.Compare(b, wide, SignInvariant);
        var ba = PairComparison.Compare(wide, b, SignInvariant);
        Assert.Equal(ComparisonJson.Pair(ab.Summary).ToJsonString(), ComparisonJson.Pair(ba.Summary).ToJsonString());
        Assert.Equal(ab.Decoder.PartnerSign, ba.Decoder.PartnerSign);
        Assert.Equal(1.0, ab.Summary.SharedFraction);
        Assert.Equal(48, ba.SharedMask(PairSide.A).Count(x => x));
    }

    [Fact]
    public void MatchesCsv_SignInvariant_AppendsTheSignOfEachPartner()
    {
        var (a, b, perm, negated) = NegatedCopy(12, 60);
        var lines = CsvLines(PairComparison.Compare(a, b, SignInvariant));
        Assert.Equal("latent,dec_partner,dec_cos,enc_partner,enc_cos,shared,agree,dec_sign,enc_sign", lines[0]);
        Assert.Equal(13, lines.Length);
        for (int i = 0; i < 12; i++)
        {
            var f = lines[i + 1].Split(',');
            string sign = negated[i] ? "-1" : "1";
            Assert.Equal([i.ToString(CultureInfo.InvariantCulture), perm[i].ToString(CultureInfo.InvariantCulture)], f[..2]);
            Assert.Equal(["1", "1", sign, sign], f[5..]);
            Assert.InRange(float.Parse(f[2], CultureInfo.InvariantCulture), 0.9999f, 1f);
        }
        Assert.Equal(MatchesCsv.Header, CsvLines(PairComparison.Compare(a, b, Signed))[0]);
    }

    [Fact]
    public void PairSummaryJson_SignKeysOnlyWhenSignInvariant()
    {
        var (a, b, _, negated) = NegatedCopy(30, 70);
        var on = JsonDocument.Parse(ComparisonJson.Pair(PairComparison.Compare(a, b, SignInvariant).Summary).ToJsonString()).RootElement;
        var names = on.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["threshold", "sign_invariant", "flipped_dec", "flipped_enc"], names[^4..]);
        Assert.True(on.GetProperty("sign_invariant").GetBoolean());
        Assert.Equal(negated.Count(x => x), on.GetProperty("flipped_dec").GetInt32());
        var off = JsonDocument.Parse(ComparisonJson.Pair(PairComparison.Compare(a, b, Signed).Summary).ToJsonString()).RootElement;
        Assert.Equal("threshold", off.EnumerateObject().Last().Name);
    }

    [Fact]
    public void Compare_SignInvariantOverMemoryBudget_LargeScalePathAgreesWithDense()
    {
        // 2300² floats = 20.2 MiB > the 19 MiB budget: the candidate-graph path runs; 700 copies, every third negated
        const int N = 2300, Copies = 700;
        var a = Planted.Random(N, D, 80);
        var b = Planted.Random(N, D, 81);
        var perm = Planted.Permutation(N, 82);
        for (int i = 0; i < Copies; i++)
        {
            Planted.Copy(a, i, b, perm[i]);
            if (i % 3 == 1)
            {
                Negate(b.EncoderWeight.AsSpan(perm[i] * D, D));
                Negate(b.DecoderWeight.AsSpan(perm[i] * D, D));
            }
        }
        var dense = PairComparison.Compare(a, b, SignInvariant);
        var sparse = PairComparison.Compare(a, b, new MatchingOptions(threads: 2, memoryBudgetBytes: 19L << 20) { SignInvariant = true });
        Assert.Equal(("dense", "sparse"), (dense.Summary.Method, sparse.Summary.Method));
        Assert.Equal((double)Copies / N, sparse.Summary.SharedFraction, 12);
        Assert.Equal(dense.Summary.SharedFraction, sparse.Summary.SharedFraction);
        Assert.Equal(dense.Summary.FlippedDec, sparse.Summary.FlippedDec);
        for (int i = 0; i < Copies; i++)
        {
            Assert.Equal(perm[i], sparse.Decoder.Assignment.RowToColumn[i]);
            Assert.Equal(perm[i], sparse.Encoder.Assignment.RowToColumn[i]);
            sbyte expected = i % 3 == 1 ? (sbyte)-1 : (sbyte)1;
            Assert.Equal((expected, expected), (sparse.Decoder.PartnerSign![i], sparse.Encoder.PartnerSign![i]));
            Assert.Equal(dense.Decoder.PartnerSign![i], sparse.Decoder.PartnerSign[i]);
        }
        Assert.All(sparse.Decoder.PartnerCosine, c => Assert.True(c >= 0, $"{c}")); // |cos| (from TensorPrimitives.Dot, unclamped: 1 + ε happens)
        Assert.Equal(dense.Summary.MmcsDecAB, sparse.Summary.MmcsDecAB, 6);
        Assert.Equal(dense.Summary.MmcsEncBA, sparse.Summary.MmcsEncBA, 6);
        // the sparse total (of |cos|) is within its proven gap of the exact optimum on |cos|
        Assert.True(dense.Decoder.Assignment.Total - sparse.Decoder.Assignment.Total <= sparse.Summary.OptimalityGapDec + 1e-3);
        Assert.True(dense.Encoder.Assignment.Total - sparse.Encoder.Assignment.Total <= sparse.Summary.OptimalityGapEnc + 1e-3);
    }

    [Fact]
    public void Consensus_NegatedCopies_AppearInAllSaesOnlyWhenSignInvariant()
    {
        var (a, b, _, negated) = NegatedCopy(40, 90);
        var c = b.Clone();
        Negate(c.DecoderWeight);
        Negate(c.EncoderWeight); // every latent of c is b's, read with the opposite sign
        SaeParameters[] saes = [a, b, c];
        IndexedPair[] Pairs(MatchingOptions o) => [new(0, 1, PairComparison.Compare(a, b, o)), new(0, 2, PairComparison.Compare(a, c, o)), new(1, 2, PairComparison.Compare(b, c, o))];
        var on = ConsensusAnalysis.Compute([40, 40, 40], Pairs(SignInvariant));
        var off = ConsensusAnalysis.Compute([40, 40, 40], Pairs(Signed));
        Assert.All(on.Saes, s => Assert.Equal([0L, 0L, 40L], s.Histogram));
        // signed: a latent of a is shared with b if not negated there, with c if negated there; b and c share nothing
        Assert.Equal([0L, 40L, 0L], off.Saes[0].Histogram);
        Assert.Equal(0.0, off.SharedFraction[1][2]);
        Assert.Equal((double)negated.Count(x => x) / 40, off.SharedFraction[0][2], 12);
    }

    [Fact]
    public void GroundTruthRecovery_FeaturesReadWithTheOppositeSign_RecoveredOnlyWhenSignInvariant()
    {
        const int G = 20, N = 32;
        var truth = Planted.Directions(G, D, 100);
        var sae = Planted.Random(N, D, 101);
        for (int i = 0; i < G; i++)
        {
            var row = sae.DecoderWeight.AsSpan(i * D, D);
            truth.AsSpan(i * D, D).CopyTo(row);
            if (i % 2 == 0)
                Negate(row);
        }
        var appears = Enumerable.Repeat(1, N).ToArray();
        var on = GroundTruthRecovery.Compute(truth, G, sae, appears, 2, signInvariant: true);
        var off = GroundTruthRecovery.Compute(truth, G, sae, appears, 2);
        Assert.Equal(1.0, on.FractionRecovered);
        Assert.All(on.LatentBestCosine.Take(G), x => Assert.InRange(x, 0.9999f, 1f));
        Assert.Equal(0.5, off.FractionRecovered);
        Assert.True(on.SignInvariant);
        Assert.True(ComparisonJson.Recovery(on)["sign_invariant"]!.GetValue<bool>());
        Assert.False(ComparisonJson.Recovery(off).ContainsKey("sign_invariant"));
    }

    // the bytes the signed (default) comparison wrote before sign-invariant matching existed
    private static string OutputHash(PairResult r)
    {
        using var stream = new MemoryStream();
        MatchesCsv.Write(stream, r);
        var json = Encoding.UTF8.GetBytes(ComparisonJson.Pair(r.Summary).ToJsonString());
        return Convert.ToHexStringLower(SHA256.HashData([.. stream.ToArray(), .. json]));
    }

    // the large-scale path's cosines come from TensorPrimitives.Dot, whose bits depend on the vector width: pin the table without them
    private static string StructureHash(PairResult r)
    {
        using var stream = new MemoryStream();
        MatchesCsv.Write(stream, r);
        var rows = Encoding.UTF8.GetString(stream.ToArray()).Split('\n')
            .Select(line => line.Split(',')).Select(f => f.Length < 7 ? "" : string.Join(',', f[0], f[1], f[3], f[5], f[6]));
        var keys = ComparisonJson.Pair(r.Summary).Select(p => p.Key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows.Concat(keys)))));
    }

    private static (SaeParameters A, SaeParameters B) FixedPair(int n, int planted)
    {
        var a = Planted.Random(n, D, 31);
        var b = Planted.Random(n, D, 32);
        var perm = Planted.Permutation(n, 33);
        for (int i = 0; i < planted; i++)
            Planted.Copy(a, i, b, perm[i]);
        return (a, b);
    }

    [Fact]
    public void Compare_SignedDefault_BytesAsBeforeSignInvariance()
    {
        var (a, b) = FixedPair(64, 32);
        Assert.Equal("5294986f41bcb96e00bdc354343bc2def05165c716d30b9241b0d0daf3c1c97c", OutputHash(PairComparison.Compare(a, b, new MatchingOptions())));
        // 2300² floats = 20.2 MiB > the 19 MiB budget: the large-scale path
        var (c, e) = FixedPair(2300, 700);
        Assert.Equal("1fbbcfa6dcc46bd8ca0173acf3a4e0b63ad7e05191a2d5a29939f956a100b37a",
            StructureHash(PairComparison.Compare(c, e, new MatchingOptions(threads: 2, memoryBudgetBytes: 19L << 20))));
    }
}
