using Sae.Core;

namespace Sae.Cli.Tests;

public class TrainCommandTests
{
    private static string WriteData(TempDir dir, int rows = 3000, int d = 32, float? poison = null)
    {
        var rng = new Random(3);
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        if (poison is { } v)
            x[1234 * d + 5] = v;
        string path = dir.File("acts.npy");
        NpyWriter.Write(path, x, rows, d);
        return path;
    }

    private static string[] TrainArgs(string data, string outDir, params string[] extra) =>
        ["train", "--data", data, "--arch", "topk", "--latents", "256", "--k", "8", "--seeds", "0,1", "--steps", "600", "--batch", "256",
         "--out", outDir, "--save-every", "50", "--lr-warmup-steps", "20", .. extra];

    [Fact]
    public void Train_KilledTwiceAndResumed_BitIdenticalToUninterrupted()
    {
        using var dir = new TempDir();
        string data = WriteData(dir);
        var straight = SaeProcess.Run(TrainArgs(data, dir.File("straight"), "--threads", "1"));
        Assert.True(straight.ExitCode == 0, straight.StdErr);

        string broken = dir.File("broken");
        foreach (var (killAfterStep, resume) in new[] { (150, false), (400, true) })
        {
            string[] args = resume ? TrainArgs(data, broken, "--resume", "--threads", "2") : TrainArgs(data, broken, "--threads", "2");
            using var p = SaeProcess.Start(args);
            string marker = Path.Combine(broken, "seed1", "checkpoints", $"step-{killAfterStep:D9}", "state.safetensors");
            SaeProcess.WaitUntil(() => File.Exists(marker) || p.HasExited, TimeSpan.FromMinutes(2), marker);
            Assert.False(p.HasExited, "training finished before it could be killed; make the run longer");
            p.Kill(); // SIGKILL on Unix
            p.WaitForExit();
        }
        var last = SaeProcess.Run(TrainArgs(data, broken, "--resume", "--threads", "2"));
        Assert.True(last.ExitCode == 0, last.StdErr);

        foreach (var seed in new[] { "seed0", "seed1" })
        {
            Assert.Equal(File.ReadAllBytes(dir.File("straight", seed, "sae.safetensors")), File.ReadAllBytes(Path.Combine(broken, seed, "sae.safetensors")));
            Assert.Equal(File.ReadAllBytes(dir.File("straight", seed, "checkpoints", "step-000000600", "state.safetensors")),
                File.ReadAllBytes(Path.Combine(broken, seed, "checkpoints", "step-000000600", "state.safetensors")));
        }
    }

    [Fact]
    public void Train_SaeLensFormat_WritesSaeLensFilesThatLoad()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "relu", "--latents", "64", "--l1", "0.1", "--seeds", "3", "--tokens", "2000",
            "--batch", "100", "--out", dir.File("out"), "--format", "saelens");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("FVU", r.StdOut, StringComparison.Ordinal);
        var sae = SaeFiles.Load(dir.File("out", "seed3"));
        Assert.Equal(SaeFileLayout.SaeLens, sae.Layout);
        Assert.Equal(SaeArchitecture.ReluL1, sae.Architecture);
        Assert.True(File.Exists(dir.File("out", "seed3", "metrics.json")));
    }

    [Fact]
    public void Train_BatchTopK_WritesItsThresholdAndLoadsAsBatchTopK()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "batchtopk", "--latents", "64", "--k", "4", "--seeds", "3", "--steps", "12",
            "--batch", "100", "--threshold-start-step", "5", "--out", dir.File("out"), "--format", "saelens");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var sae = SaeFiles.Load(dir.File("out", "seed3"));
        Assert.Equal((SaeArchitecture.BatchTopK, 4), (sae.Architecture, sae.K));
        Assert.True(sae.Parameters.Extra("threshold")[0] > 0f);
        Assert.Contains("\"threshold_start_step\": 5", File.ReadAllText(dir.File("out", "train.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_AbsTopK_SignedActivationsTrainAndLoadAsAbsTopK()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "abstopk", "--latents", "64", "--k", "4", "--multi-topk", "--seeds", "0", "--steps", "10",
            "--batch", "100", "--out", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.StdErr);
        var sae = SaeFiles.Load(dir.File("out", "seed0"));
        Assert.Equal((SaeArchitecture.AbsTopK, 4, SaeFileLayout.Sparsify), (sae.Architecture, sae.K, sae.Layout));
        Assert.Contains("\"architecture\": \"abstopk\"", File.ReadAllText(dir.File("out", "train.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_JumpReLU_SavesThresholdAndItsSettings()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "jumprelu", "--latents", "64", "--l0", "0.05", "--l0-warmup-steps", "3",
            "--jumprelu-bandwidth", "0.1", "--jumprelu-init-threshold", "0.02", "--seeds", "1", "--steps", "8", "--batch", "100",
            "--out", dir.File("out"), "--format", "saelens");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var sae = SaeFiles.Load(dir.File("out", "seed1"));
        Assert.Equal((SaeArchitecture.JumpReLU, SaeFileLayout.SaeLens), (sae.Architecture, sae.Layout));
        Assert.All(sae.Parameters.Extra("threshold"), t => Assert.True(t > 0f));
        string train = File.ReadAllText(dir.File("out", "train.json"));
        Assert.Contains("\"l0_coefficient\": 0.05", train, StringComparison.Ordinal);
        Assert.Contains("\"jumprelu_init_threshold\": 0.02", train, StringComparison.Ordinal);
        Assert.Contains("\"k\": null", train, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Matryoshka_GroupsTrainAndLoadAsMatryoshka()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "matryoshka", "--latents", "32", "--k", "4", "--groups", "8,8,16", "--seeds", "1",
            "--steps", "12", "--batch", "100", "--threshold-start-step", "5", "--out", dir.File("out"), "--format", "saelens");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var sae = SaeFiles.Load(dir.File("out", "seed1"));
        Assert.Equal((SaeArchitecture.MatryoshkaBatchTopK, 4, SaeFileLayout.SaeLens), (sae.Architecture, sae.K, sae.Layout));
        Assert.True(sae.Parameters.Extra("threshold")[0] > 0f);
        var train = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File("out", "train.json")))!;
        Assert.Equal([8, 8, 16], train["group_sizes"]!.AsArray().Select(g => g!.GetValue<int>()));
    }

    [Theory]
    [InlineData("8,8,8", "--groups must sum to --latents = 32 (got 8,8,8, sum 24)")]
    [InlineData("8,x,16", "--groups must be whole numbers separated by commas, e.g. 64,64,128,256 (got '8,x,16')")]
    [InlineData("2,14,16", "--groups: the first group (2 latents) must hold at least --k = 4 latents")]
    [InlineData("0,16,16", "--groups must all be >= 1 (got 0,16,16)")]
    public void Train_MatryoshkaBadGroups_OneLineErrorExit2AndNothingWritten(string groups, string expected)
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 100);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "matryoshka", "--latents", "32", "--k", "4", "--groups", groups, "--steps", "2",
            "--batch", "50", "--out", dir.File("out"));
        Expect.UserError(r, expected);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Train_Gated_WritesSaeLensGatedFilesThatLoadAsGated()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 500);
        var r = SaeProcess.Run("train", "--data", data, "--arch", "gated", "--l1", "0.05", "--l1-warmup-steps", "4", "--latents", "64", "--seeds", "3",
            "--steps", "12", "--batch", "100", "--lr-warmup-steps", "2", "--out", dir.File("out"), "--format", "saelens");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var sae = SaeFiles.Load(dir.File("out", "seed3"));
        Assert.Equal((SaeArchitecture.Gated, SaeFileLayout.SaeLens), (sae.Architecture, sae.Layout));
        Assert.Equal(["encoder.weight", "encoder.bias", "W_dec", "b_dec", "r_mag", "b_mag"], sae.Parameters.TensorNames);
        Assert.Contains(sae.Parameters.Extra("r_mag"), v => v != 0f);
        using (var file = SafeTensorsFile.Open(dir.File("out", "seed3", "sae_weights.safetensors")))
            Assert.True(file.Contains("b_gate") && !file.Contains("b_enc"), "SAELens' gated layout names the encoder bias b_gate");
        Assert.Contains("\"architecture\": \"gated\"", File.ReadAllText(dir.File("out", "seed3", "cfg.json")), StringComparison.Ordinal);
        Assert.Contains("\"l1_warmup_steps\": 4", File.ReadAllText(dir.File("out", "train.json")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--k", "0", "--k must be between 1 and --latents = 256 (got 0)")]
    [InlineData("--k", "300", "--k must be between 1 and --latents = 256 (got 300)")]
    [InlineData("--arch", "gatd", "--arch must be topk, relu, batchtopk, abstopk, jumprelu, gated or matryoshka (got 'gatd')")]
    [InlineData("--seeds", "1,x", "--seeds must be non-negative integers")]
    [InlineData("--seeds", "2,2", "--seeds lists a seed twice")]
    [InlineData("--batch", "0", "--batch must be >= 1")]
    [InlineData("--lr", "-1", "--lr must be a finite number > 0")]
    [InlineData("--grad-clip", "abc", "--grad-clip must be a number or none")]
    [InlineData("--format", "onnx", "--format must be sparsify or saelens")]
    [InlineData("--groups", "64,64,128", "--groups applies to --arch matryoshka only")]
    [InlineData("--tokens", "100", "give exactly one of --tokens and --steps")]
    public void Train_BadSetting_OneLineErrorExit2AndNothingWritten(string option, string value, string expected)
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 100);
        var args = TrainArgs(data, dir.File("out")).ToList();
        int at = args.IndexOf(option);
        if (at >= 0)
            args[at + 1] = value;
        else
            args.AddRange([option, value]);
        var r = SaeProcess.Run([.. args]);
        Expect.UserError(r, expected);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Train_NaNInActivations_NamesFileAndRow()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, poison: float.NaN);
        var r = SaeProcess.Run(TrainArgs(data, dir.File("out")));
        Expect.UserError(r, "acts.npy", onlyLine: false);
        Assert.Contains("1234", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("NaN", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_OutUnderAFile_OneLineError()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 100);
        File.WriteAllText(dir.File("plain"), "");
        var r = SaeProcess.Run("train", "--data", data, "--latents", "16", "--k", "4", "--steps", "1", "--batch", "10", "--out", dir.File("plain", "out"));
        Expect.UserError(r, dir.File("plain", "out"), onlyLine: false);
    }

    [Fact]
    public void Train_MissingData_OneLineError()
    {
        using var dir = new TempDir();
        var r = SaeProcess.Run(TrainArgs(dir.File("nope.npy"), dir.File("out")));
        Expect.UserError(r, "nope.npy");
    }

    [Fact]
    public void Train_ExistingOutWithoutResume_RefusesAndKeepsTheRun()
    {
        using var dir = new TempDir();
        string data = WriteData(dir, rows: 300);
        string[] args = ["train", "--data", data, "--latents", "64", "--k", "4", "--steps", "3", "--batch", "50", "--out", dir.File("out")];
        Assert.Equal(0, SaeProcess.Run(args).ExitCode);
        var before = File.ReadAllBytes(dir.File("out", "seed0", "sae.safetensors"));
        Expect.UserError(SaeProcess.Run(args), "already holds a training run", onlyLine: false);
        Assert.Equal(before, File.ReadAllBytes(dir.File("out", "seed0", "sae.safetensors")));
    }
}
