namespace Sae.Core.Tests;

/// <summary>
/// JumpReLU's parts that the shared gradient, trainer and file tests do not pin: the straight-through
/// gradient of the threshold computed by hand on one token, the threshold's life cycle (log_threshold
/// trained, threshold = exp of it, saved as SAELens saves it) and inference.
/// </summary>
public class JumpReluTests
{
    private const float Bandwidth = 0.05f;

    /// <summary>One token, one latent, d = 1: W_enc = W_dec = 1, biases 0, so pre = x and x̂ = f.</summary>
    private static (JumpReluModel Model, SaeParameters P, SaeParameters Grad, StepLoss Loss) OneLatent(float x, float theta, double l0)
    {
        var config = new SaeConfig(SaeArchitecture.JumpReLU, dimension: 1, latents: 1, l0Coefficient: l0, jumpReluBandwidth: Bandwidth);
        var model = new JumpReluModel(config);
        var p = new SaeParameters(1, 1, config.Spec.ExtraTensors);
        p.EncoderWeight[0] = 1f;
        p.DecoderWeight[0] = 1f;
        p.Extra(JumpReluModel.LogThresholdName)[0] = MathF.Log(theta);
        var grad = new SaeParameters(1, 1, config.Spec.ExtraTensors);
        var loss = model.ForwardBackward(p, [x], 1, step: 5, grad, new long[1], new long[1], threads: 1);
        return (model, p, grad, loss);
    }

    [Fact]
    public void ForwardBackward_PreJustAboveThreshold_StraightThroughGradientByHand()
    {
        // pre = 1 > θ = 0.99 (u = 0.2, inside the window): f = 1, x̂ = 1 = x, so ∂f = 0 and only the L0 step pulls θ:
        // ∂θ = −(1/ε)·λ₀ = −0.3/0.05 = −6, ∂log_threshold = θ·∂θ
        var (_, p, grad, loss) = OneLatent(1f, 0.99f, 0.3);
        float theta = p.Extra(JumpReluModel.ThresholdName)[0];
        Assert.Equal(0.3, loss.Loss, 1e-6);
        Assert.Equal(1, loss.L0);
        Assert.Equal(theta * (-0.3f / Bandwidth), grad.Extra(JumpReluModel.LogThresholdName)[0], 1e-5f);
    }

    [Fact]
    public void ForwardBackward_PreJustBelowThreshold_OffButTheReconstructionPullsTheThresholdDown()
    {
        // pre = 0.5 < θ = 0.51 (u = −0.2): f = 0, x̂ = 0, r = −0.5, ∂x̂ = 2r = −1, ∂f = −1 (a latent that would help);
        // ∂θ = −(θ/ε)·∂f − λ₀/ε = θ/ε − λ₀/ε; no gradient reaches the encoder (the latent is off)
        var (_, p, grad, loss) = OneLatent(0.5f, 0.51f, 0.1);
        float theta = p.Extra(JumpReluModel.ThresholdName)[0];
        Assert.Equal(0.25, loss.Loss, 1e-6);
        Assert.Equal(0, loss.L0);
        Assert.Equal(theta * (theta - 0.1f) / Bandwidth, grad.Extra(JumpReluModel.LogThresholdName)[0], 1e-5f);
        Assert.Equal(0f, grad.EncoderWeight[0]);
        Assert.Equal(0f, grad.EncoderBias[0]);
    }

    [Fact]
    public void ForwardBackward_PreOutsideTheWindow_NoThresholdGradient()
    {
        // pre = 2, θ = 0.5: u = 30, far outside; the latent is on and its weights get the MSE gradient
        var (_, _, grad, _) = OneLatent(2f, 0.5f, 1.0);
        Assert.Equal(0f, grad.Extra(JumpReluModel.LogThresholdName)[0]);
        Assert.Equal(0f, grad.EncoderBias[0]);
    }

    [Fact]
    public void Initialize_ThresholdIsTheInitialValueAndFollowsLogThreshold()
    {
        var config = new SaeConfig(SaeArchitecture.JumpReLU, dimension: 4, latents: 6, jumpReluInitThreshold: 0.02);
        var model = config.Spec.CreateModel(config);
        var p = new SaeParameters(6, 4, config.Spec.ExtraTensors);
        model.Initialize(p, 3, new float[8], 2, 1);
        Assert.All(p.Extra(JumpReluModel.LogThresholdName), v => Assert.Equal((float)Math.Log(0.02), v));
        Assert.All(p.Extra(JumpReluModel.ThresholdName), v => Assert.Equal(0.02f, v, 1e-7f));
        p.Extra(JumpReluModel.LogThresholdName)[2] = 0f;
        model.ConstrainParameters(p, 1);
        Assert.Equal(1f, p.Extra(JumpReluModel.ThresholdName)[2]);
    }

    [Theory]
    [InlineData(SaeFileLayout.Sparsify, "sae.safetensors", "\"activation\": \"jumprelu\"")]
    [InlineData(SaeFileLayout.SaeLens, "sae_weights.safetensors", "\"architecture\": \"jumprelu\"")]
    public void SaveLoad_BothLayouts_ThresholdSavedLogThresholdDerived(SaeFileLayout layout, string weights, string cfgLine)
    {
        using var dir = new TempDir();
        var config = new SaeConfig(SaeArchitecture.JumpReLU, 7, 13, l0Coefficient: 0.02, jumpReluBandwidth: 0.1);
        var model = config.Spec.CreateModel(config);
        var p = new SaeParameters(13, 7, config.Spec.ExtraTensors);
        model.Initialize(p, 4, new float[14], 2, 1);
        var rng = new Random(4);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] += (float)(rng.NextDouble() - 0.5);
        model.ConstrainParameters(p, 1);
        SaeFiles.Save(dir.Path, config, p, layout);

        using (var file = SafeTensorsFile.Open(dir.File(weights)))
        {
            // SAELens' JumpReLUSAE state dict: exactly these; log_threshold lives in checkpoints only
            string[] expected = layout == SaeFileLayout.SaeLens ? ["W_enc", "b_enc", "W_dec", "b_dec", "threshold"] : ["encoder.weight", "encoder.bias", "W_dec", "b_dec", "threshold"];
            Assert.Equal(expected.Order(), file.Tensors.Select(t => t.Name).Order());
        }
        var cfg = File.ReadAllText(dir.File("cfg.json"));
        Assert.Contains(cfgLine, cfg, StringComparison.Ordinal);
        Assert.Contains("\"l0_coefficient\": 0.02", cfg, StringComparison.Ordinal);
        Assert.Contains("\"jumprelu_bandwidth\": 0.1", cfg, StringComparison.Ordinal);
        Assert.DoesNotContain("training_architecture", cfg, StringComparison.Ordinal);

        var loaded = SaeFiles.Load(dir.Path);
        Assert.Equal(SaeArchitecture.JumpReLU, loaded.Architecture);
        Assert.Equal(p.TensorNames, loaded.Parameters.TensorNames);
        for (int t = 0; t < 4; t++)
            Assert.Equal(p.Tensors[t], loaded.Parameters.Tensors[t]);
        Assert.Equal(p.Extra("threshold"), loaded.Parameters.Extra("threshold"));
        for (int i = 0; i < 13; i++)
            Assert.Equal(p.Extra("log_threshold")[i], loaded.Parameters.Extra("log_threshold")[i], 1e-6f);

        // saved again from what was loaded: the same bytes (the threshold is stored, not recomputed)
        using var again = new TempDir();
        SaeFiles.Save(again.Path, config, loaded.Parameters, layout);
        Assert.Equal(File.ReadAllBytes(dir.File(weights)), File.ReadAllBytes(again.File(weights)));
    }

    [Fact]
    public void Encode_ReluAboveTheThresholdOnly()
    {
        var config = new SaeConfig(SaeArchitecture.JumpReLU, dimension: 1, latents: 3);
        var p = new SaeParameters(3, 1, config.Spec.ExtraTensors);
        p.EncoderWeight.AsSpan().Fill(1f);
        p.EncoderBias[1] = -0.5f;
        p.EncoderBias[2] = 0.3f;
        p.Extra("threshold").AsSpan().Fill(0.6f);
        var f = new float[3];
        config.Spec.CreateModel(config).Encode(p, [0.7f], 1, f, 1);
        // pre = 0.7, 0.2, 1.0 against θ = 0.6
        Assert.Equal([0.7f, 0f, 1.0f], f);
    }

    [Fact]
    public void ForwardBackward_FewLatentsNearOrAboveThreshold_SparsePathMatchesReference()
    {
        // 64 latents with θ ≈ 0.9: per token at most 64/8 latents are active or within ε/2 below θ, so the step runs sparse
        const int n = 64, d = 6, rows = 9;
        var config = new SaeConfig(SaeArchitecture.JumpReLU, d, n, l0Coefficient: 0.2, l0WarmupSteps: 4, jumpReluBandwidth: 0.3);
        var data = InMemoryActivations.Random(rows, d, 3);
        var x = new float[rows * d];
        data.ReadRows(0, x);
        var p = new SaeParameters(n, d, config.Spec.ExtraTensors);
        var model = new JumpReluModel(config);
        model.Initialize(p, 2, x, rows, 1);
        var rng = new Random(8);
        for (int i = 0; i < p.EncoderWeight.Length; i++)
            p.EncoderWeight[i] = (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < n; i++)
            p.Extra(JumpReluModel.LogThresholdName)[i] = MathF.Log(0.9f + 0.2f * (float)rng.NextDouble());
        model.ConstrainParameters(p, 1);

        // the slots the model will use: active or inside the window below θ
        var pre = new float[rows * n];
        var xc = new float[rows * d];
        BatchMath.SubtractRows(x, p.DecoderBias, rows, xc);
        Sae.Numerics.Gemm.MultiplyABt(xc, p.EncoderWeight, pre, rows, n, d);
        var theta = p.Extra(JumpReluModel.ThresholdName);
        int widest = Enumerable.Range(0, rows).Max(b => Enumerable.Range(0, n).Count(i => pre[b * n + i] + p.EncoderBias[i] - theta[i] > -0.15f));
        int inWindow = Enumerable.Range(0, rows * n).Count(j => Math.Abs(pre[j] + p.EncoderBias[j % n] - theta[j % n]) < 0.15f);
        Assert.InRange(widest, 1, n / ReluL1Model.SparseDensityLimit);
        Assert.True(inWindow > 0);

        GradientTests.AssertMatchesReference(config, p, x, rows);
    }
}
