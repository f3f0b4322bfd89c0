using System.Text.Json;

namespace Sae.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Bench_CustomShape_PrintsJsonWithGflops()
    {
        var r = SaeProcess.Run("bench", "--shape", "64,96,48", "--op", "atb", "--threads", "2", "--budget", "0.05");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var gemm = doc.RootElement.GetProperty("gemm");
        Assert.Equal(1, gemm.GetArrayLength());
        var row = gemm[0];
        Assert.Equal(64, row.GetProperty("m").GetInt32());
        Assert.Equal("atb", row.GetProperty("op").GetString());
        Assert.Equal(2, row.GetProperty("threads").GetInt32());
        Assert.True(row.GetProperty("gflops").GetDouble() > 0);
        Assert.Equal(2, doc.RootElement.GetProperty("machine").GetProperty("threads").GetInt32());
    }

    [Fact]
    public void Bench_SaeKernels_ReportEveryKernel()
    {
        var r = SaeProcess.Run("bench", "--only", "topk,encoder,sparse", "--sae", "64,300,40,8", "--budget", "0.05");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var names = doc.RootElement.GetProperty("sae_kernels").EnumerateArray()
            .Select(e => e.GetProperty("kernel").GetString() ?? "").ToArray();
        Assert.Equal(new[] { "topk_rows", "encoder_topk_fused", "sparse_decode", "sparse_gather_dot", "sparse_scatter_add" }, names);
        Assert.All(doc.RootElement.GetProperty("sae_kernels").EnumerateArray(), e => Assert.True(e.GetProperty("median_ms").GetDouble() > 0));
        Assert.False(doc.RootElement.TryGetProperty("gemm", out _));
    }

    [Fact]
    public void Bench_Train_TimesEveryArchitecture()
    {
        var r = SaeProcess.Run("bench", "--only", "train", "--sae", "64,256,32,8", "--threads", "2", "--budget", "0.05");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var rows = doc.RootElement.GetProperty("sae_kernels").EnumerateArray().ToArray();
        Assert.Equal(new[]
        {
            "train_step_topk", "train_step_relu_l1_dense", "train_step_relu_l1_sparse", "train_step_batchtopk", "train_step_abstopk",
            "train_step_jumprelu", "train_step_jumprelu_sparse", "train_step_gated", "train_step_gated_sparse", "train_step_matryoshka",
        }, rows.Select(e => e.GetProperty("kernel").GetString()).ToArray());
        Assert.All(rows, e => Assert.True(e.GetProperty("median_ms").GetDouble() > 0 && e.GetProperty("tokens_per_s").GetDouble() > 0));
        // the sparse variants really start sparse: fewer active latents than at a fresh initialisation
        double L0(string kernel) => rows.Single(e => e.GetProperty("kernel").GetString() == kernel).GetProperty("l0").GetDouble();
        Assert.True(L0("train_step_relu_l1_sparse") < L0("train_step_relu_l1_dense"));
        Assert.True(L0("train_step_gated_sparse") < L0("train_step_gated"));
    }

    [Fact]
    public void Bench_LsaLarge_RecoversThePlantedFraction()
    {
        var r = SaeProcess.Run("bench", "--only", "lsa-large", "--lsa", "600,64,0.25,8", "--memory", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var lsa = doc.RootElement.GetProperty("lsa_large");
        Assert.Equal(600, lsa.GetProperty("n").GetInt32());
        Assert.Equal(0.25, lsa.GetProperty("planted_fraction").GetDouble());
        Assert.Equal(1.0, lsa.GetProperty("planted_pairs_recovered").GetDouble());
        Assert.True(lsa.GetProperty("gap").GetDouble() >= 0);
        Assert.False(doc.RootElement.TryGetProperty("gemm", out _));
    }

    [Fact]
    public void Bench_CompareLarge_SparseMethodRecoversThePlantedFraction()
    {
        // 2300² floats (20 MiB) exceed the 19 MiB budget, so the pair goes to the large-scale matcher
        var r = SaeProcess.Run("bench", "--only", "compare-large", "--lsa", "2300,64,0.3,16", "--memory", "0.0185546875");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var c = doc.RootElement.GetProperty("compare_large");
        Assert.Equal("sparse", c.GetProperty("method").GetString());
        Assert.True(Math.Abs(c.GetProperty("difference_pp").GetDouble()) < 0.5, r.StdOut);
        Assert.True(c.GetProperty("peak_rss_gib").GetDouble() > 0, r.StdOut);
    }

    [Fact]
    public void Bench_Lsa_ReportsSolveTimeAndRecoveredPairs()
    {
        var r = SaeProcess.Run("bench", "--only", "lsa", "--lsa-sizes", "64,100", "--budget", "0.05");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var rows = doc.RootElement.GetProperty("lsa").EnumerateArray().ToArray();
        Assert.Equal(new[] { 64, 100 }, rows.Select(e => e.GetProperty("n").GetInt32()));
        Assert.All(rows, e =>
        {
            Assert.Equal("lsa_dense", e.GetProperty("kernel").GetString());
            Assert.Equal(768, e.GetProperty("d").GetInt32());
            Assert.True(e.GetProperty("seconds").GetDouble() >= 0);
            // a planted copy (cosine ≈ 0.89) beats every random pair (|cosine| ≲ 0.2 at d = 768)
            Assert.Equal(e.GetProperty("n").GetInt32() / 2, e.GetProperty("planted_recovered").GetInt32());
        });
        Assert.False(doc.RootElement.TryGetProperty("sae_kernels", out _));
    }

    [Theory]
    [InlineData("--lsa", "600,64,1.5,8", "--lsa must be N,D,P,M[,MC]")]
    [InlineData("--memory", "0", "--memory must be a positive number of GiB")]
    [InlineData("--lsa-sizes", "64,0", "--lsa-sizes must be positive integers")]
    [InlineData("--sae", "64,300,40", "--sae must be four positive integers")]
    [InlineData("--sae", "64,30,40,31", "K must be between 1 and N = 30")]
    [InlineData("--threads", "0", "--threads must be at least 1")]
    [InlineData("--shape", "3,4", "--shape must be three positive integers")]
    [InlineData("--only", "nope", "unknown part 'nope'")]
    [InlineData("--budget", "-1", "--budget must be a positive number")]
    public void Bench_BadOption_OneLineErrorAndExitCode2(string option, string value, string expected)
    {
        Expect.UserError(SaeProcess.Run("bench", option, value), expected);
    }

    [Fact]
    public void Bench_Help_ExplainsTheCommand()
    {
        var r = SaeProcess.Run("bench", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("GFLOP/s", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("--threads", r.StdOut, StringComparison.Ordinal);
    }
}
