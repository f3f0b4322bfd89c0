namespace Sae.Core.Tests;

/// <summary>Inference-mode activations (<see cref="ISaeModel.Encode"/>) against the plain definition in double precision.</summary>
public class EncodeTests
{
    private const int Rows = 9, D = 6, N = 20;

    private static (SaeParameters P, float[] X, double[][] Pre) Setup(SaeConfig config)
    {
        var x = new float[Rows * D];
        InMemoryActivations.Random(Rows, D, 3).ReadRows(0, x);
        var p = new SaeParameters(N, D, config.Spec.ExtraTensors);
        var rng = new Random(12);
        foreach (var t in p.Tensors.Take(4))
            for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() - 0.5);
        var pre = new double[Rows][];
        for (int b = 0; b < Rows; b++)
        {
            pre[b] = new double[N];
            for (int i = 0; i < N; i++)
            {
                double s = p.EncoderBias[i];
                for (int e = 0; e < D; e++) s += (x[b * D + e] - p.DecoderBias[e]) * (double)p.EncoderWeight[i * D + e];
                pre[b][i] = s;
            }
        }
        return (p, x, pre);
    }

    private static float[] Encode(SaeConfig config, SaeParameters p, float[] x)
    {
        var f = new float[Rows * N];
        f.AsSpan().Fill(float.NaN);
        config.Spec.CreateModel(config).Encode(p, x, Rows, f, threads: 2);
        return f;
    }

    [Fact]
    public void Encode_TopK_TheKLargestReluPreActivationsOfEachToken()
    {
        var config = new SaeConfig(SaeArchitecture.TopK, D, N, k: 3);
        var (p, x, pre) = Setup(config);
        var f = Encode(config, p, x);
        for (int b = 0; b < Rows; b++)
        {
            var top = Enumerable.Range(0, N).OrderByDescending(i => pre[b][i]).Take(3).ToHashSet();
            for (int i = 0; i < N; i++)
                Assert.Equal(top.Contains(i) ? Math.Max(0, pre[b][i]) : 0, f[b * N + i], 1e-5);
        }
    }

    [Fact]
    public void Encode_AbsTopK_TheKLargestInMagnitudeWithTheirSign()
    {
        var config = new SaeConfig(SaeArchitecture.AbsTopK, D, N, k: 3);
        var (p, x, pre) = Setup(config);
        var f = Encode(config, p, x);
        Assert.Contains(f, v => v < 0);
        for (int b = 0; b < Rows; b++)
        {
            var top = Enumerable.Range(0, N).OrderByDescending(i => Math.Abs(pre[b][i])).Take(3).ToHashSet();
            for (int i = 0; i < N; i++)
                Assert.Equal(top.Contains(i) ? pre[b][i] : 0, f[b * N + i], 1e-5);
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    public void Encode_BatchTopK_ReluAboveTheThreshold(float threshold)
    {
        var config = new SaeConfig(SaeArchitecture.BatchTopK, D, N, k: 3);
        var (p, x, pre) = Setup(config);
        Array.Fill(p.Extra("threshold"), threshold);
        var f = Encode(config, p, x);
        int kept = 0;
        for (int b = 0; b < Rows; b++)
        {
            for (int i = 0; i < N; i++)
            {
                double expected = pre[b][i] > threshold ? pre[b][i] : 0;
                Assert.Equal(expected, f[b * N + i], 1e-5);
                kept += f[b * N + i] != 0 ? 1 : 0;
            }
        }
        Assert.InRange(kept, 1, Rows * N - 1);
    }

    [Fact]
    public void Encode_Relu_EveryPositivePreActivation()
    {
        var config = new SaeConfig(SaeArchitecture.ReluL1, D, N);
        var (p, x, pre) = Setup(config);
        var f = Encode(config, p, x);
        for (int b = 0; b < Rows; b++)
            for (int i = 0; i < N; i++) Assert.Equal(Math.Max(0, pre[b][i]), f[b * N + i], 1e-5);
    }
}
