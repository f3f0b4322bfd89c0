namespace Sae.Numerics.Tests;

public class SparseOpsTests
{
    private sealed record Problem(int Batch, int K, int N, int D, float[] Values, int[] Indices, float[] W, float[] Bias, float[] Rows);

    private static float[] RandomFloats(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];

    // Indices drawn with replacement, so small n gives repeated latents within a row.
    private static Problem Make(Random random, int batch, int k, int n, int d) => new(
        batch, k, n, d,
        RandomFloats(random, batch * k),
        [.. Enumerable.Range(0, batch * k).Select(_ => random.Next(n))],
        RandomFloats(random, n * d),
        RandomFloats(random, d),
        RandomFloats(random, batch * d));

    // Odd shapes for every d in 0..260, k = 0 and 1 included.
    private static IEnumerable<Problem> Shapes(int seed)
    {
        var random = new Random(seed);
        for (int d = 0; d <= 260; d++)
        {
            int k = d % 7 == 0 ? (d % 2) : 1 + (d % 6);
            yield return Make(random, batch: 1 + (d % 5), k, n: 1 + (d * 7 % 13), d);
        }
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]} but expected {expected[i]}");
        }
    }

    private static float[] Decode(Problem p, int threads)
    {
        var output = new float[p.Batch * p.D];
        SparseOps.Decode(p.Values, p.Indices, p.W, p.Bias, p.Batch, p.K, p.N, p.D, output, threads);
        return output;
    }

    private static float[] GatherDot(Problem p, int threads)
    {
        var result = new float[p.Batch * p.K];
        SparseOps.GatherDot(p.Rows, p.Indices, p.W, p.Batch, p.K, p.N, p.D, result, threads);
        return result;
    }

    // Accumulates into a copy of W (as an existing gradient) and into a bias of ones.
    private static (float[] Grad, float[] Bias) Scatter(Problem p, SparseWorkspace workspace, int threads)
    {
        float[] grad = [.. p.W];
        float[] bias = [.. Enumerable.Repeat(1f, p.N)];
        workspace.Build(p.Indices, p.Batch, p.K, p.N);
        SparseOps.ScatterAddRows(p.Values, p.Rows, p.D, grad, bias, workspace, threads);
        return (grad, bias);
    }

    [Fact]
    public void Decode_OddShapes_MatchesReferenceBitForBit()
    {
        foreach (Problem p in Shapes(11))
        {
            var expected = new float[p.Batch * p.D];
            SparseOpsReference.Decode(p.Values, p.Indices, p.W, p.Bias, p.Batch, p.K, p.D, expected);
            AssertSameBits(expected, Decode(p, threads: 1), $"B={p.Batch} k={p.K} n={p.N} d={p.D}");
        }
    }

    [Fact]
    public void GatherDot_OddShapes_MatchesReferenceWithinTolerance()
    {
        foreach (Problem p in Shapes(12))
        {
            var expected = new float[p.Batch * p.K];
            SparseOpsReference.GatherDot(p.Rows, p.Indices, p.W, p.Batch, p.K, p.D, expected);
            float[] actual = GatherDot(p, threads: 1);
            for (int s = 0; s < expected.Length; s++)
            {
                int b = s / p.K, row = p.Indices[s];
                double absSum = 0;
                for (int e = 0; e < p.D; e++)
                    absSum += Math.Abs((double)p.Rows[(b * p.D) + e] * p.W[(row * p.D) + e]);
                double allowed = (SparseTolerances.DotRelativeToAbsSum * absSum) + 1e-30;
                Assert.True(Math.Abs(expected[s] - actual[s]) <= allowed, $"d={p.D} slot {s}: {actual[s]} vs {expected[s]}");
            }
        }
    }

    [Fact]
    public void ScatterAddRows_OddShapes_MatchesReferenceBitForBit()
    {
        var workspace = new SparseWorkspace();
        foreach (Problem p in Shapes(13))
        {
            float[] grad = [.. p.W];
            float[] bias = [.. Enumerable.Repeat(1f, p.N)];
            SparseOpsReference.ScatterAddRows(p.Values, p.Indices, p.Rows, p.Batch, p.K, p.D, grad, bias);
            var actual = Scatter(p, workspace, threads: 1);
            AssertSameBits(grad, actual.Grad, $"grad B={p.Batch} k={p.K} n={p.N} d={p.D}");
            AssertSameBits(bias, actual.Bias, $"bias B={p.Batch} k={p.K} n={p.N} d={p.D}");
        }
    }

    [Fact]
    public void ScatterAddRows_PooledOverload_EqualsWorkspaceOverload()
    {
        Problem p = Make(new Random(14), batch: 9, k: 4, n: 23, d: 37);
        float[] grad = [.. p.W];
        SparseOps.ScatterAddRows(p.Values, p.Indices, p.Rows, p.Batch, p.K, p.N, p.D, grad);
        AssertSameBits(Scatter(p, new SparseWorkspace(), threads: 1).Grad, grad, "pooled");
    }

    [Fact]
    public void ScatterAddRows_LatentNotSelected_RowUntouched()
    {
        float[] grad = [float.NaN, float.NaN, 5f, 5f];
        SparseOps.ScatterAddRows([2f], [1], [1f, 3f], batch: 1, k: 1, n: 2, d: 2, grad);
        Assert.True(float.IsNaN(grad[0]) && float.IsNaN(grad[1]));
        Assert.Equal([7f, 11f], grad[2..]);
    }

    [Fact]
    public void AllKernels_ThreadCounts_GiveIdenticalBits()
    {
        // Sizes chosen so every kernel splits into several chunks; n = 50 repeats latents a lot.
        Problem p = Make(new Random(15), batch: 201, k: 17, n: 50, d: 301);
        float[] decode = Decode(p, threads: 1), dots = GatherDot(p, threads: 1);
        var scatter = Scatter(p, new SparseWorkspace(), threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            AssertSameBits(decode, Decode(p, threads), $"Decode threads={threads}");
            AssertSameBits(dots, GatherDot(p, threads), $"GatherDot threads={threads}");
            var many = Scatter(p, new SparseWorkspace(), threads);
            AssertSameBits(scatter.Grad, many.Grad, $"ScatterAddRows threads={threads}");
            AssertSameBits(scatter.Bias, many.Bias, $"ScatterAddRows bias threads={threads}");
        }
    }

    [Fact]
    public void LaneDot_EveryLength_SameBitsAsScalarOrder()
    {
        var random = new Random(16);
        for (int length = 0; length <= 300; length++)
        {
            float[] a = RandomFloats(random, length), b = RandomFloats(random, length);
            Assert.Equal(BitConverter.SingleToInt32Bits(LaneDot.DotScalar(a, b)), BitConverter.SingleToInt32Bits(LaneDot.Dot(a, b)));
        }
    }

    [Fact]
    public void LaneDot_FourRowsAtOnce_SameBitsAsOneRow()
    {
        var random = new Random(18);
        var results = new float[4];
        for (int length = 0; length <= 130; length++)
        {
            float[] a = RandomFloats(random, length);
            float[][] rows = [.. Enumerable.Range(0, 4).Select(_ => RandomFloats(random, length))];
            LaneDot.Dot4(a, rows[0], rows[1], rows[2], rows[3], results);
            for (int r = 0; r < 4; r++)
                Assert.Equal(BitConverter.SingleToInt32Bits(LaneDot.Dot(a, rows[r])), BitConverter.SingleToInt32Bits(results[r]));
        }
    }

    [Fact]
    public void Build_Batch_FireCountsEqualCountFires()
    {
        Problem p = Make(new Random(17), batch: 13, k: 5, n: 9, d: 1);
        var workspace = new SparseWorkspace();
        workspace.Build(new int[100 * 3], 100, 3, 40); // a larger problem first: buffers are reused
        workspace.Build(p.Indices, p.Batch, p.K, p.N);
        var counts = new int[p.N];
        SparseOps.CountFires(p.Indices, p.N, counts);
        Assert.Equal(counts, workspace.FireCounts.ToArray());
        for (int i = 0; i < p.N; i++)
        {
            int[] slots = workspace.Slots(i).ToArray();
            Assert.Equal([.. Enumerable.Range(0, p.Indices.Length).Where(s => p.Indices[s] == i)], slots);
            Assert.Equal(slots.Select(s => s / p.K), workspace.BatchRows(i).ToArray());
        }
    }
}
