namespace Sae.Core.Tests;

public class GradientTests
{
    public static TheoryData<SaeArchitecture> Architectures() => new() { SaeArchitecture.TopK, SaeArchitecture.ReluL1 };

    private static SaeConfig Tiny(SaeArchitecture arch) => new(arch, dimension: 6, latents: 10, k: 3, l1Coefficient: 0.7, l1WarmupSteps: 4);

    private static (SaeParameters P, float[] X) Setup(SaeArchitecture arch, int rows)
    {
        var config = Tiny(arch);
        var data = InMemoryActivations.Random(rows, config.Dimension, 3);
        var x = new float[rows * config.Dimension];
        data.ReadRows(0, x);
        var p = new SaeParameters(config.Latents, config.Dimension);
        var model = arch == SaeArchitecture.TopK ? (ISaeModel)new TopKModel(config) : new ReluL1Model(config);
        model.Initialize(p, 11, x, rows, 1);
        // move off the initial symmetric point (W_enc = W_dec) and give the biases some value
        var rng = new Random(5);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] += (float)(rng.NextDouble() - 0.5) * 0.3f;
        return (p, x);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ReferenceGradient_MatchesFiniteDifferences(SaeArchitecture arch)
    {
        const int rows = 5;
        var (p32, x) = Setup(arch, rows);
        var reference = new ReferenceSae(Tiny(arch));
        var p = ReferenceSae.ToDouble(p32);
        var grad = p.Select(t => new double[t.Length]).ToArray();
        reference.Loss(p, x, rows, step: 2, grad);
        const double h = 1e-6;
        for (int t = 0; t < 4; t++)
        {
            for (int i = 0; i < p[t].Length; i++)
            {
                double keep = p[t][i];
                p[t][i] = keep + h;
                double up = reference.Loss(p, x, rows, 2);
                p[t][i] = keep - h;
                double down = reference.Loss(p, x, rows, 2);
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
        var counts = new int[rows];
        var xc = new float[rows * 6];
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Sae.Numerics.Gemm.MultiplyABt(xc, p.EncoderWeight, f, rows, 64, 6);
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < 64; i++) f[b * 64 + i] = Math.Max(0, f[b * 64 + i] + p.EncoderBias[i]);
        int width = ActiveSet.Count(f, rows, 64, counts);
        Assert.InRange(width, 1, 64 / ReluL1Model.SparseDensityLimit);
        AssertMatchesReference(config, p, x, rows);
    }

    private static void AssertMatchesReference(SaeConfig config, SaeParameters p, float[] x, int rows)
    {
        var arch = config.Architecture;
        var model = arch == SaeArchitecture.TopK ? (ISaeModel)new TopKModel(config) : new ReluL1Model(config);
        var grad = new SaeParameters(config.Latents, config.Dimension);
        var fires = new long[config.Latents];
        var loss = model.ForwardBackward(p, x, rows, step: 2, grad, fires, threads: 2);

        var reference = new ReferenceSae(config);
        var pd = ReferenceSae.ToDouble(p);
        var expected = pd.Select(t => new double[t.Length]).ToArray();
        double expectedLoss = reference.Loss(pd, x, rows, 2, expected);
        Assert.Equal(expectedLoss, loss.Loss, 1e-5 * Math.Abs(expectedLoss));
        for (int t = 0; t < 4; t++)
        {
            double scale = expected[t].Max(Math.Abs) + 1e-12;
            for (int i = 0; i < expected[t].Length; i++)
                Assert.True(Math.Abs(grad.Tensors[t][i] - expected[t][i]) <= 2e-5 * scale,
                    $"{arch} {SaeParameters.Names[t]}[{i}]: {grad.Tensors[t][i]} vs reference {expected[t][i]}");
        }
        Assert.True(fires.Sum() > 0);
    }
}
