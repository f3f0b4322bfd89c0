using System.Numerics.Tensors;

namespace Sae.Numerics.Tests;

public class EncoderTopKTests
{
    public static TheoryData<GemmIsa> SupportedIsas() => GemmTests.SupportedIsas();

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void Forward_AnyShape_SameBitsAsGemmBiasReluTopK(GemmIsa isa)
    {
        // batch around the row-block size, n around the tile width, d across a depth block
        int[][] shapes = [[1, 1, 1, 1], [3, 7, 5, 7], [13, 600, 33, 4], [200, 1100, 300, 32], [193, 513, 257, 1], [5, 40, 9, 40]];
        int seed = 10;
        foreach (var s in shapes)
        {
            int batch = s[0], n = s[1], d = s[2], k = s[3];
            var x = TestData.Uniform(batch * d, seed++);
            var w = TestData.Uniform(n * d, seed++);
            var bias = TestData.Uniform(n, seed++, 0.3f);
            var (expectV, expectI) = Unfused(x, w, bias, batch, n, d, k, isa);
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var v = new float[batch * k];
                var idx = new int[batch * k];
                EncoderTopK.Forward(x, w, bias, batch, n, d, k, v, idx, threads, isa);
                Assert.True(TestData.BitEqual(expectV, v), $"values differ: {isa} shape [{string.Join(",", s)}] threads {threads}");
                Assert.Equal(expectI, idx);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void Forward_AbsSigned_SameBitsAsGemmBiasAbsTopKWithSigns(GemmIsa isa)
    {
        int[][] shapes = [[1, 1, 1, 1], [3, 7, 5, 7], [13, 600, 33, 4], [200, 2100, 300, 32], [193, 513, 257, 1], [5, 40, 9, 40], [2, 4100, 3, 64]];
        int seed = 50, negatives = 0;
        foreach (var s in shapes)
        {
            int batch = s[0], n = s[1], d = s[2], k = s[3];
            var x = TestData.Uniform(batch * d, seed++);
            var w = TestData.Uniform(n * d, seed++);
            var bias = TestData.Uniform(n, seed++, 0.3f);
            var pre = new float[batch * n];
            Gemm.Multiply(x, false, w, true, pre, batch, n, d, false, 1, isa);
            for (int b = 0; b < batch; b++)
                TensorPrimitives.Add(pre.AsSpan(b * n, n), bias, pre.AsSpan(b * n, n));
            var magnitude = new float[pre.Length];
            TensorPrimitives.Abs(pre, magnitude);
            var expectV = new float[batch * k];
            var expectI = new int[batch * k];
            TopK.Rows(magnitude, batch, n, k, expectV, expectI);
            for (int i = 0; i < expectV.Length; i++)
                expectV[i] = pre[i / k * n + expectI[i]];
            negatives += expectV.Count(v => v < 0);
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var v = new float[batch * k];
                var idx = new int[batch * k];
                EncoderTopK.Forward(x, w, bias, batch, n, d, k, v, idx, EncoderActivation.AbsSigned, threads, isa);
                Assert.True(TestData.BitEqual(expectV, v), $"values differ: {isa} shape [{string.Join(",", s)}] threads {threads}");
                Assert.Equal(expectI, idx);
            }
        }
        Assert.True(negatives > 100, "the kept values must include negative ones");
    }

    [Fact]
    public void Forward_MostPreActivationsNegative_ZerosTieByLowerIndex()
    {
        // bias −10 makes every pre-activation but a few negative: relu gives many exact zeros
        const int batch = 4, n = 700, d = 8, k = 16;
        var x = TestData.Uniform(batch * d, 1);
        var w = TestData.Uniform(n * d, 2);
        var bias = Enumerable.Repeat(-10f, n).ToArray();
        bias[650] = 100f;
        var v = new float[batch * k];
        var idx = new int[batch * k];
        EncoderTopK.Forward(x, w, bias, batch, n, d, k, v, idx, threads: 2);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(650, idx[b * k]);
            Assert.True(v[b * k] > 50f);
            for (int j = 1; j < k; j++)
            {
                Assert.Equal(0f, v[b * k + j]);
                Assert.Equal(j - 1, idx[b * k + j]);
            }
        }
    }

    [Fact]
    public void Forward_BadArguments_ThrowNamingTheArgument()
    {
        var ok = new float[6];
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() =>
            EncoderTopK.Forward(ok, ok, new float[3], 3, 3, 2, 4, new float[12], new int[12])).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() =>
            EncoderTopK.Forward(ok, ok, new float[3], 3, 3, 2, 0, [], [])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() =>
            EncoderTopK.Forward(ok, ok, new float[2], 3, 3, 2, 1, new float[3], new int[3])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() =>
            EncoderTopK.Forward(new float[5], ok, new float[3], 3, 3, 2, 1, new float[3], new int[3])).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentException>(() =>
            EncoderTopK.Forward(ok, ok, new float[3], 3, 3, 2, 1, new float[3], new int[2])).ParamName);
    }

    [Fact]
    public void Forward_EmptyBatch_DoesNothing() =>
        EncoderTopK.Forward([], new float[6], new float[3], 0, 3, 2, 2, [], []);

    private static (float[] Values, int[] Indices) Unfused(float[] x, float[] w, float[] bias, int batch, int n, int d, int k, GemmIsa isa)
    {
        var pre = new float[batch * n];
        Gemm.Multiply(x, false, w, true, pre, batch, n, d, false, 1, isa);
        for (int b = 0; b < batch; b++)
        {
            var row = pre.AsSpan(b * n, n);
            TensorPrimitives.Add(row, bias, row);
            TensorPrimitives.Max(row, 0f, row);
        }
        var v = new float[batch * k];
        var idx = new int[batch * k];
        TopK.Rows(pre, batch, n, k, v, idx);
        return (v, idx);
    }
}
