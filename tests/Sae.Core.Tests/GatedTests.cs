using Sae.Numerics;

namespace Sae.Core.Tests;

/// <summary>
/// The Gated SAE (SAELens' GatedTrainingSAE): the double-precision reference against finite
/// differences, the model against the reference, thread-count determinism, recovery on synthetic
/// data and both file layouts.
/// </summary>
public class GatedTests
{
    private static readonly string[] TensorNames = ["encoder.weight", "encoder.bias", "W_dec", "b_dec", "r_mag", "b_mag"];

    private static SaeConfig Tiny(int latents = 10) =>
        new(SaeArchitecture.Gated, dimension: 6, latents: latents, l1Coefficient: 0.7, l1WarmupSteps: 4);

    /// <summary>SAELens' init for x [rows, 6], then every tensor (r_mag and b_mag too) moved off its initial value.</summary>
    private static (SaeParameters P, float[] X) Setup(SaeConfig config, int rows, int seed = 5)
    {
        var x = new float[rows * config.Dimension];
        InMemoryActivations.Random(rows, config.Dimension, 3).ReadRows(0, x);
        var p = new SaeParameters(config.Latents, config.Dimension, config.Spec.ExtraTensors);
        config.Spec.CreateModel(config).Initialize(p, 11, x, rows, 1);
        var rng = new Random(seed);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] += (float)(rng.NextDouble() - 0.5) * 0.3f;
        return (p, x);
    }

    [Fact]
    public void Initialize_SaeLensInitWithZeroMagnitudeParameters()
    {
        var config = Tiny();
        var p = new SaeParameters(10, 6, config.Spec.ExtraTensors);
        p.Extra("r_mag")[3] = 1f;
        config.Spec.CreateModel(config).Initialize(p, 4, new float[6], 1, 1);
        Assert.Equal(TensorNames, p.TensorNames);
        Assert.Equal(p.DecoderWeight, p.EncoderWeight);
        for (int i = 0; i < 10; i++)
            Assert.Equal(0.1, Math.Sqrt(p.DecoderWeight.AsSpan(i * 6, 6).ToArray().Sum(v => v * v)), 5);
        Assert.All(p.EncoderBias.Concat(p.DecoderBias).Concat(p.Extra("r_mag")).Concat(p.Extra("b_mag")), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReferenceGradient_MatchesFiniteDifferences()
    {
        const int rows = 5;
        var config = Tiny();
        var (p32, x) = Setup(config, rows);
        var reference = new ReferenceGatedSae(config);
        var p = ReferenceSae.ToDouble(p32);
        var grad = p.Select(t => new double[t.Length]).ToArray();
        reference.Loss(p, x, rows, step: 2, grad);
        Assert.InRange(reference.Active, 1, rows * config.Latents - 1);
        const double h = 1e-6;
        for (int t = 0; t < p.Length; t++)
        {
            Assert.Contains(grad[t], g => g != 0);
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
                    $"{TensorNames[t]}[{i}]: finite difference {fd} vs analytic {grad[t][i]}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ForwardBackward_MatchesReferenceLossAndGradients(int threads)
    {
        const int rows = 7;
        var config = Tiny();
        var (p, x) = Setup(config, rows);
        Assert.True(GateWidth(p, x, rows) * ReluL1Model.SparseDensityLimit > config.Latents, "the dense path");
        AssertMatchesReference(config, p, x, rows, threads);
    }

    [Fact]
    public void ForwardBackward_FewGateActiveLatents_SparsePathMatchesReferenceWithIdenticalBitsForAnyThreadCount()
    {
        // 512 tokens, 256 latents, d = 64: the sparse kernels split this work into several chunks
        const int rows = 512, n = 256, d = 64;
        var config = new SaeConfig(SaeArchitecture.Gated, d, n, l1Coefficient: 0.3, l1WarmupSteps: 4);
        var x = new float[rows * d];
        InMemoryActivations.Random(rows, d, 3).ReadRows(0, x);
        var p = new SaeParameters(n, d, config.Spec.ExtraTensors);
        config.Spec.CreateModel(config).Initialize(p, 2, x, rows, 1);
        var rng = new Random(8);
        for (int i = 0; i < p.EncoderWeight.Length; i++)
            p.EncoderWeight[i] = (float)(rng.NextDouble() - 0.5) * 0.2f;
        foreach (var t in new[] { p.DecoderBias, p.Extra("r_mag"), p.Extra("b_mag") })
            for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() - 0.5) * 0.6f;
        // b_gate below every token's (n/8 + 1)-th largest z: at most n/8 gate-active latents per token
        var z = Z(p, x, rows);
        float threshold = Enumerable.Range(0, rows).Max(b => z.AsSpan(b * n, n).ToArray().OrderDescending().ElementAt(n / 8));
        for (int i = 0; i < n; i++)
            p.EncoderBias[i] = -threshold - (float)rng.NextDouble() * 0.05f;
        int width = GateWidth(p, x, rows);
        Assert.InRange(width, 2, n / ReluL1Model.SparseDensityLimit);

        AssertMatchesReference(config, p, x, rows, threads: 2);
        var grads = new[] { 1, 2, 3 }.Select(threads =>
        {
            var grad = new SaeParameters(n, d, config.Spec.ExtraTensors);
            var loss = config.Spec.CreateModel(config).ForwardBackward(p, x, rows, 2, grad, new long[n], new long[n], threads);
            return (loss, grad);
        }).ToArray();
        for (int k = 1; k < grads.Length; k++)
        {
            Assert.Equal(grads[0].loss, grads[k].loss);
            for (int t = 0; t < grads[0].grad.Tensors.Count; t++)
                Assert.Equal(grads[0].grad.Tensors[t], grads[k].grad.Tensors[t]);
        }
    }

    /// <summary>z = (x − b_dec)·W_encᵀ, [rows, n].</summary>
    private static float[] Z(SaeParameters p, float[] x, int rows)
    {
        var xc = new float[rows * p.Dimension];
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        var z = new float[rows * p.Latents];
        Gemm.MultiplyABt(xc, p.EncoderWeight, z, rows, p.Latents, p.Dimension);
        return z;
    }

    /// <summary>The most gate-active latents (π_gate &gt; 0) of any token: decides the model's sparse path.</summary>
    private static int GateWidth(SaeParameters p, float[] x, int rows)
    {
        var z = Z(p, x, rows);
        int n = p.Latents;
        return Enumerable.Range(0, rows).Max(b => Enumerable.Range(0, n).Count(i => z[b * n + i] + p.EncoderBias[i] > 0f));
    }

    /// <summary>The model's loss, metrics, fire counts and all six gradients against the reference (relative 2e-5).</summary>
    internal static void AssertMatchesReference(SaeConfig config, SaeParameters p, float[] x, int rows, int threads)
    {
        int n = config.Latents, d = config.Dimension;
        var model = config.Spec.CreateModel(config);
        var grad = new SaeParameters(n, d, config.Spec.ExtraTensors);
        foreach (var t in grad.Tensors)
            Array.Fill(t, float.NaN); // every gradient must be overwritten
        var fires = new long[n];
        var loss = model.ForwardBackward(p, x, rows, step: 2, grad, fires, new long[n], threads);

        var reference = new ReferenceGatedSae(config);
        var pd = ReferenceSae.ToDouble(p);
        var expected = pd.Select(t => new double[t.Length]).ToArray();
        double expectedLoss = reference.Loss(pd, x, rows, 2, expected);
        Assert.Equal(expectedLoss, loss.Loss, 1e-5 * Math.Abs(expectedLoss));
        Assert.Equal(reference.Active / (double)rows, loss.L0, 12);
        Assert.Equal(reference.Fires, fires);
        Assert.True(loss.Mse > 0 && loss.Mse < loss.Loss && loss.L1 > 0, $"{loss}");
        for (int t = 0; t < expected.Length; t++)
        {
            double scale = expected[t].Max(Math.Abs) + 1e-12;
            for (int i = 0; i < expected[t].Length; i++)
                Assert.True(Math.Abs(grad.Tensors[t][i] - expected[t][i]) <= 2e-5 * scale,
                    $"{TensorNames[t]}[{i}]: {grad.Tensors[t][i]} vs reference {expected[t][i]}");
        }
        // inference computes the same f: the same active latents
        var f = new float[rows * n];
        model.Encode(p, x, rows, f, threads);
        Assert.Equal(reference.Fires, Enumerable.Range(0, n).Select(i => (long)Enumerable.Range(0, rows).Count(b => f[b * n + i] > 0f)));
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "sae.safetensors", "encoder.weight,encoder.bias,W_dec,b_dec,r_mag,b_mag", "\"activation\": \"gated\"")]
    [InlineData(SaeFileLayout.SaeLens, "sae_weights.safetensors", "W_enc,b_gate,W_dec,b_dec,r_mag,b_mag", "\"architecture\": \"gated\"")]
    public void SaveLoad_BothLayouts_RoundTripExactlyWithTheirTensorNames(SaeFileLayout layout, string weights, string names, string cfgLine)
    {
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.Gated, 7, 13, l1Coefficient: 0.02);
        var p = new SaeParameters(13, 7, config.Spec.ExtraTensors);
        var rng = new Random(4);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        SaeFiles.Save(dir.Path, config, p, layout);
        using (var file = SafeTensorsFile.Open(dir.File(weights)))
        {
            Assert.Equal(names.Split(',').Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.Equal(new long[] { 13 }, file.GetTensor("r_mag").Shape);
            Assert.Equal(new long[] { 13 }, file.GetTensor("b_mag").Shape);
            if (layout == SaeFileLayout.SaeLens)
            {
                Assert.Equal(new long[] { 7, 13 }, file.GetTensor("W_enc").Shape);
                Assert.Equal(p.EncoderBias, file.ReadFloat32("b_gate"));
            }
        }
        var cfg = File.ReadAllText(dir.File("cfg.json"));
        Assert.Contains(cfgLine, cfg, StringComparison.Ordinal);
        Assert.Contains("\"l1_coefficient\": 0.02", cfg, StringComparison.Ordinal);
        var loaded = SaeFiles.Load(dir.Path);
        Assert.Equal((SaeArchitecture.Gated, layout), (loaded.Architecture, loaded.Layout));
        Assert.Equal(p.TensorNames, loaded.Parameters.TensorNames);
        for (int t = 0; t < p.Tensors.Count; t++)
            Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
    }

    /// <summary>
    /// End-to-end on RecoveryTests' synthetic data (512 ground-truth features in d = 128, ~5 active per
    /// row, 1024 latents): the recipe fits it and recovers the features, in training and at inference.
    /// </summary>
    [Fact]
    public void Train_SyntheticData_LowFvuAndGroundTruthRecovered()
    {
        using var data = new SyntheticData(new SyntheticDataSpec(features: 512, dimension: 128, rows: 200_000, seed: 1), threads: 2);
        var sae = new SaeConfig(SaeArchitecture.Gated, 128, 1024, l1Coefficient: 0.2);
        var trainer = new Trainer(sae, new TrainConfig(1024, 2000, learningRate: 5e-3, warmupSteps: 50, threads: 2), [0], data);
        trainer.Initialize();
        while (!trainer.Finished)
            trainer.RunStep();

        // measured: FVU 0.047, L0 12.4, mean best cosine 0.957 (λ 0.3 at 3e-3: 0.049, 12.2, 0.916); ~25 s on 2 busy cores
        var loss = trainer.Metrics(0).Loss;
        var p = trainer.Parameters(0);
        double recovery = RecoveryTests.MeanBestCosine(data.GroundTruth, p.DecoderWeight, 512, 1024, 128);
        Assert.True(loss.Fvu < 0.1, $"FVU {loss.Fvu:F4} on the last batch");
        Assert.True(recovery > 0.9, $"mean best cosine {recovery:F3} of the ground-truth features");
        Assert.InRange(loss.L0, 5, 25);

        // inference (SAELens' GatedSAE.encode) on rows of the data: measured L0 12.2, FVU 0.045
        const int rows = 2048, n = 1024, d = 128;
        var x = new float[rows * d];
        data.ReadRows(0, x);
        var f = new float[rows * n];
        sae.Spec.CreateModel(sae).Encode(p, x, rows, f, threads: 2);
        double l0 = f.Count(v => v > 0f) / (double)rows;
        double fvu = RecoveryTests.InferenceFvu(f, p, x, rows);
        Assert.InRange(l0, 5, 25);
        Assert.True(fvu < 0.1, $"at inference: FVU {fvu:F4} with L0 {l0:F2}");
    }
}
