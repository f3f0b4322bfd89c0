namespace Sae.Core.Tests;

public class GradientTests
{
    public static TheoryData<SaeArchitecture> Architectures() =>
        new() { SaeArchitecture.TopK, SaeArchitecture.ReluL1, SaeArchitecture.BatchTopK, SaeArchitecture.AbsTopK, SaeArchitecture.JumpReLU, SaeArchitecture.MatryoshkaBatchTopK };

    /// <summary>TopK variants: plain, Multi-TopK, AuxK, both.</summary>
    public static TheoryData<bool, double> TopKVariants() => new() { { false, 0 }, { true, 0 }, { false, 0.25 }, { true, 0.25 } };

    // JumpReLU: a wide straight-through window (ε = 0.6 around θ ≈ 0.01) so that many pre-activations of the tiny batch fall in it
    private static SaeConfig Tiny(SaeArchitecture arch, bool multi = false, double auxAlpha = 0) => arch switch
    {
        SaeArchitecture.ReluL1 => new(arch, dimension: 6, latents: 10, l1Coefficient: 0.7, l1WarmupSteps: 4),
        SaeArchitecture.JumpReLU => new(arch, dimension: 6, latents: 10, l0Coefficient: 0.3, l0WarmupSteps: 4, jumpReluBandwidth: 0.6),
        _ => new(arch, dimension: 6, latents: 10, k: 2, multiTopK: multi, auxKAlpha: auxAlpha, deadTokens: 100),
    };

    /// <summary>BatchTopK with and without AuxK.</summary>
    public static TheoryData<double> BatchTopKAux() => new() { 0, 0.25 };

    /// <summary>AbsTopK variants: plain, Multi-TopK, AuxK, both.</summary>
    public static TheoryData<bool, double> AbsTopKVariants() => TopKVariants();

    /// <summary>Latents 1, 4, 7 and 8 have not fired for more than 100 tokens.</summary>
    private static long[] Idle() => [0, 500, 0, 0, 101, 0, 0, 900, 300, 0];

    private static (SaeParameters P, float[] X) Setup(SaeArchitecture arch, int rows)
    {
        var config = Tiny(arch);
        // k·rows of the batch's rows·n pre-activations: BatchTopK keeps 2·rows of 10·rows
        var data = InMemoryActivations.Random(rows, config.Dimension, 3);
        var x = new float[rows * config.Dimension];
        data.ReadRows(0, x);
        var p = new SaeParameters(config.Latents, config.Dimension, config.Spec.ExtraTensors);
        var model = config.Spec.CreateModel(config);
        model.Initialize(p, 11, x, rows, 1);
        // move off the initial symmetric point (W_enc = W_dec) and give the biases some value
        var rng = new Random(5);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] += (float)(rng.NextDouble() - 0.5) * 0.3f;
        return (p, x);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ReferenceGradient_MatchesFiniteDifferences(SaeArchitecture arch) => CheckFiniteDifferences(Tiny(arch));

    [Theory]
    [MemberData(nameof(TopKVariants))]
    public void ReferenceGradient_TopKVariants_MatchFiniteDifferences(bool multi, double auxAlpha) =>
        CheckFiniteDifferences(Tiny(SaeArchitecture.TopK, multi, auxAlpha));

    [Theory]
    [MemberData(nameof(AbsTopKVariants))]
    public void ReferenceGradient_AbsTopKVariants_MatchFiniteDifferences(bool multi, double auxAlpha) =>
        CheckFiniteDifferences(Tiny(SaeArchitecture.AbsTopK, multi, auxAlpha));

    [Theory]
    [MemberData(nameof(AbsTopKVariants))]
    public void ForwardBackward_AbsTopKVariants_MatchReferenceGradient(bool multi, double auxAlpha)
    {
        const int rows = 7;
        var (p, x) = Setup(SaeArchitecture.AbsTopK, rows);
        AssertMatchesReference(Tiny(SaeArchitecture.AbsTopK, multi, auxAlpha), p, x, rows);
    }

    [Theory]
    [MemberData(nameof(BatchTopKAux))]
    public void ReferenceGradient_BatchTopKWithAuxK_MatchesFiniteDifferences(double auxAlpha) =>
        CheckFiniteDifferences(Tiny(SaeArchitecture.BatchTopK, auxAlpha: auxAlpha));

    [Theory]
    [MemberData(nameof(BatchTopKAux))]
    public void ForwardBackward_BatchTopKWithAuxK_MatchesReferenceGradient(double auxAlpha)
    {
        const int rows = 7;
        var (p, x) = Setup(SaeArchitecture.BatchTopK, rows);
        AssertMatchesReference(Tiny(SaeArchitecture.BatchTopK, auxAlpha: auxAlpha), p, x, rows);
    }

    [Theory]
    [MemberData(nameof(TopKVariants))]
    public void ForwardBackward_TopKVariants_MatchReferenceGradient(bool multi, double auxAlpha)
    {
        const int rows = 7;
        var (p, x) = Setup(SaeArchitecture.TopK, rows);
        AssertMatchesReference(Tiny(SaeArchitecture.TopK, multi, auxAlpha), p, x, rows);
    }

    /// <summary>Matryoshka: two and three groups, even and uneven, with and without AuxK (n = 10, k = 2).</summary>
    public static TheoryData<string, double> MatryoshkaVariants() =>
        new() { { "5,5", 0 }, { "7,3", 0.25 }, { "2,3,5", 0 }, { "2,3,5", 0.25 }, { "3,4,3", 0.25 } };

    private static SaeConfig Matryoshka(string groups, double auxAlpha) =>
        new(SaeArchitecture.MatryoshkaBatchTopK, dimension: 6, latents: 10, k: 2, auxKAlpha: auxAlpha, deadTokens: 100,
            groups: groups.Split(',').Select(int.Parse).ToArray());

    [Theory]
    [MemberData(nameof(MatryoshkaVariants))]
    public void ReferenceGradient_MatryoshkaVariants_MatchFiniteDifferences(string groups, double auxAlpha) =>
        CheckFiniteDifferences(Matryoshka(groups, auxAlpha));

    [Theory]
    [MemberData(nameof(MatryoshkaVariants))]
    public void ForwardBackward_MatryoshkaVariants_MatchReferenceGradient(string groups, double auxAlpha)
    {
        const int rows = 7;
        var config = Matryoshka(groups, auxAlpha);
        var (p, x) = Setup(config.Architecture, rows);
        var fires = AssertMatchesReference(config, p, x, rows);
        // every group holds a selected latent, so every level and every suffix sum is exercised
        for (int g = 0, start = 0; g < config.Groups.Count; start += config.Groups[g], g++)
            Assert.True(fires.AsSpan(start, config.Groups[g]).ToArray().Sum() > 0, $"group {g} ({groups}) selected nothing");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.25)]
    public void ForwardBackward_MatryoshkaOneGroup_SameBitsAsBatchTopK(double auxAlpha)
    {
        const int rows = 7;
        var (p, x) = Setup(SaeArchitecture.BatchTopK, rows);
        var batch = new SaeConfig(SaeArchitecture.BatchTopK, 6, 10, k: 2, auxKAlpha: auxAlpha, deadTokens: 100);
        var nested = new SaeConfig(SaeArchitecture.MatryoshkaBatchTopK, 6, 10, k: 2, auxKAlpha: auxAlpha, deadTokens: 100, groups: [10]);
        var (a, b) = (p.Clone(), p.Clone());
        var (ga, gb) = (new SaeParameters(10, 6, batch.Spec.ExtraTensors), new SaeParameters(10, 6, nested.Spec.ExtraTensors));
        var (fa, fb) = (new long[10], new long[10]);
        var la = batch.Spec.CreateModel(batch).ForwardBackward(a, x, rows, 2, ga, fa, Idle(), threads: 2);
        var lb = nested.Spec.CreateModel(nested).ForwardBackward(b, x, rows, 2, gb, fb, Idle(), threads: 2);
        Assert.Equal(la, lb);
        Assert.Equal(fa, fb);
        for (int t = 0; t < ga.Tensors.Count; t++)
            Assert.Equal(ga.Tensors[t], gb.Tensors[t]);
    }

    private static void CheckFiniteDifferences(SaeConfig config)
    {
        const int rows = 5;
        var arch = config.Architecture;
        var (p32, x) = Setup(arch, rows);
        var reference = new ReferenceSae(config);
        var p = ReferenceSae.ToDouble(p32);
        var grad = p.Select(t => new double[t.Length]).ToArray();
        var dead = Idle().Select(t => t > config.DeadTokens).ToArray();
        var targets = new double[rows][];
        reference.Loss(p, x, rows, step: 2, grad, dead, targets);
        const double h = 1e-6;
        for (int t = 0; t < 4; t++)
        {
            for (int i = 0; i < p[t].Length; i++)
            {
                double keep = p[t][i];
                p[t][i] = keep + h;
                double up = reference.Loss(p, x, rows, 2, dead: dead, auxTargets: targets);
                p[t][i] = keep - h;
                double down = reference.Loss(p, x, rows, 2, dead: dead, auxTargets: targets);
                p[t][i] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[t][i]) <= 1e-6 + 1e-5 * Math.Abs(fd),
                    $"{arch} {SaeParameters.Names[t]}[{i}]: finite difference {fd} vs analytic {grad[t][i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ForwardBackward_MatchesReferenceGradient(SaeArchitecture arch)
    {
        const int rows = 7;
        var (p, x) = Setup(arch, rows);
        AssertMatchesReference(Tiny(arch), p, x, rows);
    }

    [Fact]
    public void ForwardBackward_SparseReluActivations_MatchReferenceGradient()
    {
        // 64 latents, a negative encoder bias leaves at most 64/8 active per token: the sparse path
        var config = new SaeConfig(SaeArchitecture.ReluL1, dimension: 6, latents: 64, l1Coefficient: 0.7, l1WarmupSteps: 4);
        const int rows = 9;
        var data = InMemoryActivations.Random(rows, 6, 3);
        var x = new float[rows * 6];
        data.ReadRows(0, x);
        var p = new SaeParameters(64, 6);
        new ReluL1Model(config).Initialize(p, 2, x, rows, 1);
        var rng = new Random(8);
        for (int i = 0; i < p.EncoderWeight.Length; i++)
            p.EncoderWeight[i] = (float)(rng.NextDouble() - 0.5);
        Array.Fill(p.EncoderBias, -0.9f);
        var f = new float[rows * 64];
        var xc = new float[rows * 6];
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Sae.Numerics.Gemm.MultiplyABt(xc, p.EncoderWeight, f, rows, 64, 6);
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < 64; i++) f[b * 64 + i] = Math.Max(0, f[b * 64 + i] + p.EncoderBias[i]);
        int width = Enumerable.Range(0, rows).Max(b => Enumerable.Range(0, 64).Count(i => f[b * 64 + i] > 0f));
        Assert.InRange(width, 1, 64 / ReluL1Model.SparseDensityLimit);
        AssertMatchesReference(config, p, x, rows);
    }

    /// <summary>The model's loss and every gradient (extras included) at step 2 against <see cref="ReferenceSae"/>; returns the fires counted.</summary>
    internal static long[] AssertMatchesReference(SaeConfig config, SaeParameters p, float[] x, int rows)
    {
        var arch = config.Architecture;
        var model = config.Spec.CreateModel(config);
        var grad = new SaeParameters(config.Latents, config.Dimension, config.Spec.ExtraTensors);
        var fires = new long[config.Latents];
        var idle = config.Latents == 10 ? Idle() : new long[config.Latents];
        var loss = model.ForwardBackward(p, x, rows, step: 2, grad, fires, idle, threads: 2);

        var reference = new ReferenceSae(config);
        var pd = ReferenceSae.ToDouble(p);
        var expected = pd.Select(t => new double[t.Length]).ToArray();
        double expectedLoss = reference.Loss(pd, x, rows, 2, expected, idle.Select(t => t > config.DeadTokens).ToArray());
        Assert.Equal(expectedLoss, loss.Loss, 1e-5 * Math.Abs(expectedLoss));
        // every tensor, the extras included (JumpReLU's log_threshold; a statistic's gradient is 0 in both)
        for (int t = 0; t < expected.Length; t++)
        {
            double scale = expected[t].Max(Math.Abs) + 1e-12;
            for (int i = 0; i < expected[t].Length; i++)
                Assert.True(Math.Abs(grad.Tensors[t][i] - expected[t][i]) <= 2e-5 * scale,
                    $"{arch} {grad.TensorNames[t]}[{i}]: {grad.Tensors[t][i]} vs reference {expected[t][i]}");
        }
        if (arch == SaeArchitecture.JumpReLU)
            Assert.Contains(expected[4], g => g != 0);
        Assert.True(fires.Sum() > 0);
        return fires;
    }
}
