namespace Sae.Core.Tests;

public class TrainingJobTests
{
    private static TrainingJobSpec Spec(string outDir, SaeArchitecture arch = SaeArchitecture.TopK, int threads = 1, long saveEvery = 2,
        SaeFileLayout format = SaeFileLayout.Sparsify, int latents = 40, ulong? dataSeed = null) =>
        new(new SaeConfig(arch, 24, latents, k: 4, l1Coefficient: 0.05, thresholdStartStep: 2),
            new TrainConfig(32, steps: 7, learningRate: 1e-2, warmupSteps: 2, threads: threads, dataSeed: dataSeed),
            [1, 2], outDir, saveEvery, format);

    private static InMemoryActivations Data() => InMemoryActivations.Random(100, 24, 7);

    [Theory]
    [InlineData(SaeArchitecture.TopK, SaeFileLayout.Sparsify, null)]
    [InlineData(SaeArchitecture.ReluL1, SaeFileLayout.SaeLens, null)]
    [InlineData(SaeArchitecture.TopK, SaeFileLayout.Sparsify, 99UL)]
    [InlineData(SaeArchitecture.BatchTopK, SaeFileLayout.Sparsify, null)]
    [InlineData(SaeArchitecture.BatchTopK, SaeFileLayout.SaeLens, 99UL)]
    [InlineData(SaeArchitecture.AbsTopK, SaeFileLayout.Sparsify, 99UL)]
    [InlineData(SaeArchitecture.AbsTopK, SaeFileLayout.SaeLens, null)]
    [InlineData(SaeArchitecture.JumpReLU, SaeFileLayout.Sparsify, null)]
    [InlineData(SaeArchitecture.JumpReLU, SaeFileLayout.SaeLens, 99UL)]
    [InlineData(SaeArchitecture.MatryoshkaBatchTopK, SaeFileLayout.Sparsify, 99UL)]
    [InlineData(SaeArchitecture.MatryoshkaBatchTopK, SaeFileLayout.SaeLens, null)]
    [InlineData(SaeArchitecture.Gated, SaeFileLayout.Sparsify, null)]
    [InlineData(SaeArchitecture.Gated, SaeFileLayout.SaeLens, 99UL)]
    public void Run_InterruptedAndResumedTwice_SameBitsAsUninterrupted(SaeArchitecture arch, SaeFileLayout format, ulong? dataSeed)
    {
        using var dir = new TempDir();
        string straight = dir.File("straight"), broken = dir.File("broken");
        new TrainingJob(Spec(straight, arch, format: format, dataSeed: dataSeed), Data()).Run(resume: false);

        // stop after step 3 and after step 6 (between checkpoints), resume each time
        foreach (var (stopAt, resume) in new[] { (3L, false), (6L, true) })
        {
            using var cancel = new CancellationTokenSource();
            var progress = new SyncProgress(p => { if (p.Step == stopAt) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() =>
                new TrainingJob(Spec(broken, arch, threads: 2, format: format, dataSeed: dataSeed), Data()).Run(resume, progress, cancel: cancel.Token));
        }
        new TrainingJob(Spec(broken, arch, format: format, dataSeed: dataSeed), Data()).Run(resume: true);

        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            var a = SaeFiles.Load(Path.Combine(straight, $"seed{seed}"));
            var b = SaeFiles.Load(Path.Combine(broken, $"seed{seed}"));
            Assert.Equal(arch, b.Architecture);
            Assert.Equal(a.Parameters.TensorNames, b.Parameters.TensorNames);
            for (int t = 0; t < a.Parameters.Tensors.Count; t++)
                Assert.Equal(a.Parameters.Tensors[t], b.Parameters.Tensors[t]);
            Assert.Equal(File.ReadAllText(Path.Combine(straight, $"seed{seed}", "cfg.json")), File.ReadAllText(Path.Combine(broken, $"seed{seed}", "cfg.json")));
        }
    }

    [Fact]
    public void Run_JumpReluThresholdsNearOne_ResumedBitExactly()
    {
        // θ ≈ 1: log(exp(log θ)) is often 1 ulp off log θ in float32, so log_threshold itself must be in the checkpoint
        TrainingJobSpec Jump(string dir) => new(
            new SaeConfig(SaeArchitecture.JumpReLU, 24, 40, l0Coefficient: 0.01, jumpReluBandwidth: 2.5, jumpReluInitThreshold: 1.0),
            new TrainConfig(32, steps: 7, learningRate: 1e-2, warmupSteps: 2, threads: 1), [1], dir, 2, SaeFileLayout.Sparsify);
        using var dir = new TempDir();
        string straight = dir.File("straight"), broken = dir.File("broken");
        new TrainingJob(Jump(straight), Data()).Run(resume: false);
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new SyncProgress(p => { if (p.Step == 5) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => new TrainingJob(Jump(broken), Data()).Run(false, progress, cancel: cancel.Token));
        }
        new TrainingJob(Jump(broken), Data()).Run(resume: true);
        var a = SaeFiles.Load(Path.Combine(straight, "seed1"));
        var b = SaeFiles.Load(Path.Combine(broken, "seed1"));
        for (int t = 0; t < a.Parameters.Tensors.Count; t++)
            Assert.Equal(a.Parameters.Tensors[t], b.Parameters.Tensors[t]);
    }

    [Fact]
    public void Run_BatchTopK_ThresholdMeasuredAfterTheStartStepAndRestoredFromCheckpoints()
    {
        using var dir = new TempDir();
        new TrainingJob(Spec(dir.Path, SaeArchitecture.BatchTopK), Data()).Run(resume: false);
        // first measured at step 3: the step-2 checkpoint (steps 0–1 done) still has 0, the step-4 one (steps 0–3) has it
        float Theta(string step) => SaeFiles.Load(Path.Combine(dir.Path, "seed1", "checkpoints", step)).Parameters.Extra("threshold")[0];
        Assert.Equal(0f, Theta("step-000000002"));
        Assert.True(Theta("step-000000004") > 0f);
        var final = SaeFiles.Load(Path.Combine(dir.Path, "seed1")).Parameters.Extra("threshold");
        Assert.All(final, v => Assert.Equal(final[0], v));
        var json = File.ReadAllText(Path.Combine(dir.Path, "train.json"));
        Assert.Contains("\"threshold_start_step\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"architecture\": \"batchtopk\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SaveEvery_WritesStepZeroAndEveryNthCheckpoint()
    {
        using var dir = new TempDir();
        new TrainingJob(Spec(dir.Path), Data()).Run(resume: false);
        var steps = Directory.GetDirectories(Path.Combine(dir.Path, "seed1", "checkpoints")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { "step-000000000", "step-000000002", "step-000000004", "step-000000006", "step-000000007" }, steps);
        // step 0 holds the initial weights: W_dec = W_enc with unit rows
        var initial = SaeFiles.Load(Path.Combine(dir.Path, "seed1", "checkpoints", "step-000000000"));
        var norms = new float[40];
        Sae.Numerics.RowOps.RowNorms(initial.Parameters.DecoderWeight, 40, 24, norms);
        Assert.All(norms, v => Assert.Equal(1f, v, 1e-5f));
        Assert.True(File.Exists(Path.Combine(dir.Path, "seed2", "metrics.json")));
    }

    [Fact]
    public void Run_DataSeed_ChangesTheResult()
    {
        using var dir = new TempDir();
        new TrainingJob(Spec(dir.File("a")), Data()).Run(resume: false);
        new TrainingJob(Spec(dir.File("b"), dataSeed: 5), Data()).Run(resume: false);
        Assert.NotEqual(SaeFiles.Load(Path.Combine(dir.File("a"), "seed1")).Parameters.EncoderWeight, SaeFiles.Load(Path.Combine(dir.File("b"), "seed1")).Parameters.EncoderWeight);
    }

    [Fact]
    public void Run_ExistingRunWithoutResume_RefusesAndKeepsIt()
    {
        using var dir = new TempDir();
        new TrainingJob(Spec(dir.Path), Data()).Run(resume: false);
        var before = File.ReadAllBytes(Path.Combine(dir.Path, "seed1", "sae.safetensors"));
        var e = Assert.Throws<SaeInputException>(() => new TrainingJob(Spec(dir.Path), Data()).Run(resume: false));
        Assert.Contains("already holds a training run", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir.Path, "seed1", "sae.safetensors")));
    }

    [Fact]
    public void Run_ResumeWithOtherSettings_NamesTheSetting()
    {
        using var dir = new TempDir();
        new TrainingJob(Spec(dir.Path), Data()).Run(resume: false);
        var e = Assert.Throws<SaeInputException>(() => new TrainingJob(Spec(dir.Path, latents: 48), Data()).Run(resume: true));
        Assert.Contains("num_latents = 40, now 48", e.Message, StringComparison.Ordinal);
    }

    /// <summary>IProgress that reports synchronously on the training thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
