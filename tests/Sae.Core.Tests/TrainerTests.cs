namespace Sae.Core.Tests;

public class TrainerTests
{
    /// <summary>Every architecture: those of the gradient tests, and Gated (whose gradients GatedTests checks against its own reference).</summary>
    public static TheoryData<SaeArchitecture> Architectures()
    {
        var all = GradientTests.Architectures();
        all.Add(SaeArchitecture.Gated);
        return all;
    }

    // thresholdStartStep 2: BatchTopK's threshold is first measured at step 3 and updated after that
    private static SaeConfig Small(SaeArchitecture arch) => new(arch, dimension: 24, latents: 40, k: 4, l1Coefficient: 0.05, l1WarmupSteps: 2, thresholdStartStep: 2);

    private static Trainer Make(SaeArchitecture arch, int threads, ulong[] seeds, int warmup = 2, double? clip = 1.0, LearningRateDecay decay = LearningRateDecay.Linear)
    {
        var data = InMemoryActivations.Random(90, 24, 7);
        var train = new TrainConfig(batchSize: 32, steps: 6, learningRate: 1e-2, warmupSteps: warmup, decay: decay, gradClip: clip, threads: threads);
        var t = new Trainer(Small(arch), train, seeds, data);
        t.Initialize();
        return t;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void RunStep_ThreadCounts_GiveIdenticalBits(SaeArchitecture arch)
    {
        var one = Make(arch, 1, [3]);
        var two = Make(arch, 2, [3]);
        var three = Make(arch, 3, [3]);
        var initial = one.Parameters(0).Clone();
        for (int s = 0; s < 6; s++)
        {
            one.RunStep();
            two.RunStep();
            three.RunStep();
        }
        Assert.Equal(4 + one.Sae.Spec.ExtraTensors.Count, one.Parameters(0).Tensors.Count);
        for (int t = 0; t < one.Parameters(0).Tensors.Count; t++)
        {
            // every tensor, extras included, was trained (or, for thresholds, measured)
            Assert.NotEqual(initial.Tensors[t], one.Parameters(0).Tensors[t]);
            Assert.Equal(one.Parameters(0).Tensors[t], two.Parameters(0).Tensors[t]);
            Assert.Equal(one.Parameters(0).Tensors[t], three.Parameters(0).Tensors[t]);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void RunStep_SeveralSeedsInOnePass_SameAsEachAlone(SaeArchitecture arch)
    {
        var together = Make(arch, 2, [0, 5, 9]);
        var alone = Make(arch, 2, [5]);
        for (int s = 0; s < 4; s++)
        {
            together.RunStep();
            alone.RunStep();
        }
        for (int t = 0; t < alone.Parameters(0).Tensors.Count; t++)
            Assert.Equal(alone.Parameters(0).Tensors[t], together.Parameters(1).Tensors[t]);
        Assert.NotEqual(together.Parameters(0).EncoderWeight, together.Parameters(1).EncoderWeight);
    }

    [Theory]
    [InlineData(SaeArchitecture.TopK, 2, 1.0, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.TopK, 0, null, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.TopK, 3, 0.05, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.ReluL1, 2, 1.0, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.ReluL1, 0, null, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.ReluL1, 1, 0.05, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.BatchTopK, 2, 1.0, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.BatchTopK, 0, null, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.AbsTopK, 2, 1.0, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.AbsTopK, 3, 0.05, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.JumpReLU, 2, 1.0, LearningRateDecay.Linear)]
    [InlineData(SaeArchitecture.JumpReLU, 0, null, LearningRateDecay.None)]
    [InlineData(SaeArchitecture.MatryoshkaBatchTopK, 2, 1.0, LearningRateDecay.Linear)]
    public void RunStep_MatchesScalarReimplementation(SaeArchitecture arch, int warmup, double? clip, LearningRateDecay decay)
    {
        var trainer = Make(arch, 2, [4], warmup, clip, decay);
        var reference = new ReferenceTrainer(trainer.Sae, trainer.Train, trainer.Parameters(0));
        var data = InMemoryActivations.Random(90, 24, 7);
        for (int s = 0; s < 6; s++)
        {
            var x = new float[32 * 24];
            long first = (long)s * 32 % 90;
            for (int r = 0; r < 32; r++)
                data.ReadRows((first + r) % 90, x.AsSpan(r * 24, 24));
            reference.Step(x, s);
            trainer.RunStep();
        }
        var actual = trainer.Parameters(0);
        Assert.Equal(reference.Parameters.Length, actual.Tensors.Count);
        if (arch is SaeArchitecture.BatchTopK or SaeArchitecture.MatryoshkaBatchTopK)
            Assert.All(actual.Extra("threshold"), theta => Assert.True(theta > 0f, "the threshold was measured from step 3 on"));
        for (int t = 0; t < reference.Parameters.Length; t++)
        {
            double scale = reference.Parameters[t].Max(Math.Abs);
            for (int i = 0; i < reference.Parameters[t].Length; i++)
                Assert.True(Math.Abs(actual.Tensors[t][i] - reference.Parameters[t][i]) <= 1e-5 * scale + 1e-7,
                    $"{arch} {actual.TensorNames[t]}[{i}]: {actual.Tensors[t][i]} vs reference {reference.Parameters[t][i]}");
        }
    }

    [Fact]
    public void Constructor_WrongDimension_OneLineError()
    {
        var data = InMemoryActivations.Random(10, 5, 1);
        var e = Assert.Throws<SaeInputException>(() => new Trainer(Small(SaeArchitecture.TopK), new TrainConfig(4, 1), [0], data));
        Assert.Contains("d = 5 but the SAE expects d = 24", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1000, 10, 0.0)]
    [InlineData(500, 1000, 3000, 0.5)]
    [InlineData(1000, 1000, 3000, 1.0)]
    [InlineData(2000, 1000, 3000, 0.5)]
    [InlineData(3000, 1000, 3000, 0.0)]
    public void Factor_WarmupThenLinearDecay(long step, int warmup, long total, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.Factor(step, warmup, total, LearningRateDecay.Linear), 12);
}
