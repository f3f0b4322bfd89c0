using System.Globalization;
using System.Text.Json;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cli.Tests;

/// <summary>sae compare on SAEs whose latents are signed: --sign-invariant, its auto default, and the sign columns.</summary>
public class CompareSignInvariantTests
{
    private const int D = 64;

    private static string[] Csv(TempDir dir, string outDir, string file) => File.ReadAllLines(dir.File(outDir, file));

    private static JsonElement Pair(TempDir dir, string outDir)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File(outDir, "summary.json")));
        return summary.RootElement.GetProperty("pairs")[0].Clone();
    }

    // a: Gaussian rows; b: a's latents permuted (a latent i → b latent perm[i]), every third read with the opposite sign
    private static (int[] Perm, bool[] Negated) WriteNegatedCopy(TempDir dir, int n)
    {
        var rng = new Random(7);
        var a = new SaeParameters(n, D);
        foreach (var t in a.Tensors)
            for (int e = 0; e < t.Length; e++)
                t[e] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm);
        var negated = Enumerable.Range(0, n).Select(i => i % 3 == 1).ToArray();
        var b = a.Clone();
        for (int i = 0; i < n; i++)
        {
            float s = negated[i] ? -0.5f : 2f;
            for (int k = 0; k < D; k++)
            {
                b.EncoderWeight[(perm[i] * D) + k] = s * a.EncoderWeight[(i * D) + k];
                b.DecoderWeight[(perm[i] * D) + k] = s * a.DecoderWeight[(i * D) + k];
            }
        }
        var config = new SaeConfig(SaeArchitecture.TopK, D, n, k: 4);
        SaeFiles.Save(dir.File("a"), config, a, SaeFileLayout.Sparsify);
        SaeFiles.Save(dir.File("b"), config, b, SaeFileLayout.Sparsify);
        return (perm, negated);
    }

    [Fact]
    public void Compare_NegatedPermutedCopy_AllSharedWithTheFlag_NegatedOrphansWithout()
    {
        using var dir = new TempDir();
        // 2300² floats = 20.2 MiB: past a 19 MiB budget, so the last run takes the large-scale path
        const int N = 2300;
        var (perm, negated) = WriteNegatedCopy(dir, N);
        var auto = SaeProcess.Run("compare", dir.File("a"), dir.File("b"), "--out", dir.File("auto"), "--threads", "2");
        var off = SaeProcess.Run("compare", dir.File("a"), dir.File("b"), "--out", dir.File("off"), "--threads", "2", "--sign-invariant", "off");
        var on = SaeProcess.Run("compare", dir.File("a"), dir.File("b"), "--out", dir.File("on"), "--threads", "2", "--sign-invariant");
        var large = SaeProcess.Run("compare", dir.File("a"), dir.File("b"), "--out", dir.File("large"), "--threads", "2", "--memory-budget", "19MiB", "--sign-invariant", "on");
        Assert.All(new[] { auto, off, on, large }, r => Assert.True(r.ExitCode == 0, r.StdErr));

        // TopK: auto is the paper's signed matching, byte for byte, and the negated copies are orphans
        Assert.Equal(File.ReadAllBytes(dir.File("off", "a__b.matches.csv")), File.ReadAllBytes(dir.File("auto", "a__b.matches.csv")));
        var signed = Csv(dir, "auto", "a__b.matches.csv");
        Assert.Equal(MatchesCsv.Header, signed[0]);
        Assert.All(Enumerable.Range(0, N), i => Assert.Equal(negated[i] ? "0" : "1", signed[i + 1].Split(',')[5]));
        Assert.False(Pair(dir, "auto").TryGetProperty("sign_invariant", out _));
        Assert.DoesNotContain("|cos|", auto.StdErr + auto.StdOut, StringComparison.Ordinal);

        int flipped = negated.Count(x => x);
        foreach (string run in new[] { "on", "large" })
        {
            var lines = Csv(dir, run, "a__b.matches.csv");
            Assert.Equal(MatchesCsv.SignInvariantHeader, lines[0]);
            for (int i = 0; i < N; i++)
            {
                var f = lines[i + 1].Split(',');
                string sign = negated[i] ? "-1" : "1";
                Assert.Equal([perm[i].ToString(CultureInfo.InvariantCulture), perm[i].ToString(CultureInfo.InvariantCulture)], new[] { f[1], f[3] });
                Assert.Equal(["1", "1", sign, sign], f[5..]);
            }
            var pair = Pair(dir, run);
            Assert.Equal(1.0, pair.GetProperty("shared_fraction").GetDouble());
            Assert.True(pair.GetProperty("sign_invariant").GetBoolean());
            Assert.Equal((flipped, flipped), (pair.GetProperty("flipped_dec").GetInt32(), pair.GetProperty("flipped_enc").GetInt32()));
        }
        Assert.Equal(("dense", "sparse"), (Pair(dir, "on").GetProperty("method").GetString(), Pair(dir, "large").GetProperty("method").GetString()));
        Assert.Contains($"a vs b matched by |cos|: {flipped} of {N} decoder", on.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_TrainedAbsTopKSeeds_SignInvariantByDefault()
    {
        using var dir = new TempDir();
        var rng = new Random(5);
        var x = Enumerable.Range(0, 500 * 32).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        NpyWriter.Write(dir.File("acts.npy"), x, 500, 32);
        var train = SaeProcess.Run("train", "--data", dir.File("acts.npy"), "--arch", "abstopk", "--latents", "32", "--k", "4", "--seeds", "0,1",
            "--steps", "20", "--batch", "100", "--out", dir.File("sae"));
        Assert.True(train.ExitCode == 0, train.StdErr);
        string[] saes = [dir.File("sae", "seed0"), dir.File("sae", "seed1")];

        var auto = SaeProcess.Run(["compare", .. saes, "--out", dir.File("auto")]);
        Assert.True(auto.ExitCode == 0, auto.StdErr);
        Assert.Contains("pairs with seed0, seed1 (signed latents) matched by |cos|", auto.StdErr, StringComparison.Ordinal);
        var lines = Csv(dir, "auto", "seed0__seed1.matches.csv");
        Assert.Equal(MatchesCsv.SignInvariantHeader, lines[0]);
        var pair = Pair(dir, "auto");
        Assert.True(pair.GetProperty("sign_invariant").GetBoolean());
        Assert.Equal(lines.Skip(1).Count(l => l.Split(',')[7] == "-1"), pair.GetProperty("flipped_dec").GetInt32());
        Assert.All(lines.Skip(1), l => Assert.True(float.Parse(l.Split(',')[2], CultureInfo.InvariantCulture) >= 0));

        var off = SaeProcess.Run(["compare", .. saes, "--out", dir.File("off"), "--sign-invariant", "off"]);
        Assert.True(off.ExitCode == 0, off.StdErr);
        Assert.Equal(MatchesCsv.Header, Csv(dir, "off", "seed0__seed1.matches.csv")[0]);
        Assert.False(Pair(dir, "off").TryGetProperty("sign_invariant", out _));
    }

    [Fact]
    public void Compare_SignInvariantBadValue_OneLineErrorExit2()
    {
        using var dir = new TempDir();
        WriteNegatedCopy(dir, 8);
        Expect.UserError(SaeProcess.Run("compare", dir.File("a"), dir.File("b"), "--out", dir.File("out"), "--sign-invariant", "maybe"),
            "--sign-invariant must be auto, on or off (got 'maybe')");
        // the bare flag before the SAEs would take the first path as its value: refused, not misread
        Expect.UserError(SaeProcess.Run("compare", "--sign-invariant", dir.File("a"), dir.File("b"), "--out", dir.File("out")),
            "given alone it means on and must come after the SAEs");
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
