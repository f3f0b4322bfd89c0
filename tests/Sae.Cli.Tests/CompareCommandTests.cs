using System.Text.Json;
using Sae.Core;

namespace Sae.Cli.Tests;

public class CompareCommandTests
{
    private const int D = 32;

    // Gaussian rows; latents 0..half-1 of every SAE are the same directions (in a different order per seed)
    private static SaeParameters Sae(int n, int seed, float[] common, int half)
    {
        var rng = new Random(seed);
        var p = new SaeParameters(n, D);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++)
                t[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order);
        for (int i = 0; i < half; i++)
        {
            common.AsSpan(i * D, D).CopyTo(p.DecoderWeight.AsSpan(order[i] * D, D));
            common.AsSpan(i * D, D).CopyTo(p.EncoderWeight.AsSpan(order[i] * D, D));
        }
        return p;
    }

    private static float[] Common()
    {
        var rng = new Random(99);
        return Enumerable.Range(0, 16 * D).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static string[] WriteSaes(TempDir dir, params (string Name, int Latents, SaeFileLayout Layout)[] saes)
    {
        var common = Common();
        return saes.Select((s, k) =>
        {
            string path = dir.File(s.Name);
            SaeFiles.Save(path, new SaeConfig(SaeArchitecture.TopK, D, s.Latents, k: 4), Sae(s.Latents, k, common, 16), s.Layout);
            return path;
        }).ToArray();
    }

    [Fact]
    public void Compare_ThreeSaesWithGroundTruth_WritesTablesAndSummary()
    {
        using var dir = new TempDir();
        var paths = WriteSaes(dir, ("runA/seed0", 64, SaeFileLayout.Sparsify), ("runB/seed0", 64, SaeFileLayout.SaeLens), ("seed2", 48, SaeFileLayout.Sparsify));
        // true features: the 16 directions every SAE holds, and 4 that none does
        var gt = Common().Concat(Enumerable.Range(0, 4 * D).Select(i => (float)Math.Sin(i * 1.3))).ToArray();
        new SafeTensorsWriter().AddFloat32("features", gt, 20, D).Write(dir.File("ground_truth.safetensors"));

        var r = SaeProcess.Run(["compare", .. paths, "--out", dir.File("out"), "--ground-truth", dir.File("ground_truth.safetensors"), "--threads", "2"]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("runA-seed0 vs runB-seed0", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("appears in m of 3", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("ground-truth recovery", r.StdOut, StringComparison.Ordinal);

        string[] files = ["runA-seed0__runB-seed0.matches.csv", "seed2__runA-seed0.matches.csv", "seed2__runB-seed0.matches.csv"];
        foreach (var f in files)
        {
            var lines = File.ReadAllLines(dir.File("out", f));
            Assert.Equal("latent,dec_partner,dec_cos,enc_partner,enc_cos,shared,agree", lines[0]);
            Assert.Equal(f.StartsWith("seed2", StringComparison.Ordinal) ? 48 : 64, lines.Length - 1);
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out", "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(["threshold", "d", "saes", "pairs", "consensus", "ground_truth"], root.EnumerateObject().Select(p => p.Name));
        var pairs = root.GetProperty("pairs").EnumerateArray().ToArray();
        Assert.Equal(3, pairs.Length);
        string[] keys = ["a", "b", "matches", "shared_fraction", "agree_fraction", "agree_and_shared_fraction", "mean_dec_cos", "mean_enc_cos",
            "mmcs_dec_ab", "mmcs_dec_ba", "mmcs_enc_ab", "mmcs_enc_ba", "threshold_curve", "n_a", "n_b", "d", "method", "optimality_gap_dec", "optimality_gap_enc", "threshold"];
        Assert.Equal(keys.Order(), pairs[0].EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(0.25, pairs[0].GetProperty("shared_fraction").GetDouble());
        Assert.Equal(16.0 / 48, pairs[1].GetProperty("shared_fraction").GetDouble(), 12);
        Assert.Equal("seed2", pairs[1].GetProperty("a").GetString());
        var consensus = root.GetProperty("consensus").GetProperty("saes")[0];
        Assert.Equal([48, 0, 16], consensus.GetProperty("appears_in_histogram").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("saelens", root.GetProperty("saes")[1].GetProperty("layout").GetString());
        var recovery = root.GetProperty("ground_truth").GetProperty("saes")[0];
        Assert.Equal(0.8, recovery.GetProperty("fraction_recovered").GetDouble());
        Assert.Equal(1.0, recovery.GetProperty("shared").GetProperty("fraction_above_threshold").GetDouble());
        Assert.Equal(0.0, recovery.GetProperty("orphan").GetProperty("fraction_above_threshold").GetDouble());
    }

    [Fact]
    public void Compare_TwoSaes_NoHistogramAndNullGroundTruth()
    {
        using var dir = new TempDir();
        var paths = WriteSaes(dir, ("a", 32, SaeFileLayout.Sparsify), ("b", 32, SaeFileLayout.Sparsify));
        var r = SaeProcess.Run("compare", paths[0], Path.Combine(paths[1], "sae.safetensors"), "--out", dir.File("out"), "--threshold", "0.5");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.DoesNotContain("appears in m of", r.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("out", "a__b.matches.csv")));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out", "summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("ground_truth").ValueKind);
        Assert.Equal(0.5, summary.RootElement.GetProperty("pairs")[0].GetProperty("threshold").GetDouble());
    }

    [Fact]
    public void Compare_BadInputs_OneLineErrorExit2()
    {
        using var dir = new TempDir();
        var paths = WriteSaes(dir, ("a", 32, SaeFileLayout.Sparsify), ("b", 32, SaeFileLayout.SaeLens));
        SaeFiles.Save(dir.File("wide"), new SaeConfig(SaeArchitecture.TopK, D + 1, 8, k: 4), new SaeParameters(8, D + 1), SaeFileLayout.Sparsify);
        new SafeTensorsWriter().AddFloat32("other", new float[4], 4).Write(dir.File("gt.safetensors"));
        string[] ok = [paths[0], paths[1], "--out", dir.File("out")];
        Expect.UserError(SaeProcess.Run(["compare", paths[0], dir.File("missing"), "--out", dir.File("out")]), "missing: no such file or directory");
        Expect.UserError(SaeProcess.Run("compare", paths[0], dir.File("wide"), "--out", dir.File("out")), $"{paths[0]} has d = 32, {dir.File("wide")} has d = 33");
        Expect.UserError(SaeProcess.Run(["compare", .. ok, "--threshold", "1.5"]), "--threshold must be between 0 and 1 (got 1.5)");
        Expect.UserError(SaeProcess.Run(["compare", .. ok, "--memory-budget", "8XB"]), "--memory-budget must be a size like 8GiB");
        Expect.UserError(SaeProcess.Run(["compare", .. ok, "--memory-budget", "1KiB"]), "--memory-budget 1.0 KiB is too small");
        Expect.UserError(SaeProcess.Run(["compare", .. ok, "--threads", "0"]), "--threads must be >= 1");
        File.WriteAllText(dir.File("plain"), "");
        Expect.UserError(SaeProcess.Run("compare", paths[0], paths[1], "--out", dir.File("plain", "out")), dir.File("plain", "out"));
        Expect.UserError(SaeProcess.Run(["compare", .. ok, "--ground-truth", dir.File("gt.safetensors")]), "no tensor \"features\"");
        Expect.UserError(SaeProcess.Run("compare", paths[0], "--out", dir.File("out")), "(see --help)");
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
