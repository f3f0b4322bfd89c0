using System.Security.Cryptography;
using System.Text;

namespace Sae.Matching.Tests;

public class SignInvariantMatchingTests
{
    private const int D = 64;

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

    private static (Sae.Core.SaeParameters A, Sae.Core.SaeParameters B) FixedPair(int n, int planted)
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
