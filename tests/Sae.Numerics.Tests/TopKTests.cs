namespace Sae.Numerics.Tests;

public class TopKTests
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.MaxValue, -float.MaxValue, float.Epsilon];

    public enum Fill { Random, SmallIntegers, Negative, Specials, AllEqual, AllNaN }

    private static float[] Make(Random random, int length, Fill fill) => fill switch
    {
        Fill.Random => [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))],
        Fill.SmallIntegers => [.. Enumerable.Range(0, length).Select(_ => (float)random.Next(-3, 4))],
        Fill.Negative => [.. Enumerable.Range(0, length).Select(_ => -1 - (float)random.NextDouble())],
        Fill.Specials => [.. Enumerable.Range(0, length).Select(_ => random.Next(3) == 0 ? Specials[random.Next(Specials.Length)] : random.Next(-2, 3))],
        Fill.AllEqual => [.. Enumerable.Repeat(1.5f, length)],
        Fill.AllNaN => [.. Enumerable.Repeat(float.NaN, length)],
        _ => throw new ArgumentOutOfRangeException(nameof(fill)),
    };

    private static (float[] Values, int[] Indices) Reference(float[] x, int m, int n, int k)
    {
        var values = new float[m * k];
        var indices = new int[m * k];
        TopKReference.Rows(x, m, n, k, values, indices);
        return (values, indices);
    }

    private static (float[] Values, int[] Indices) Fast(float[] x, int m, int n, int k, int threads)
    {
        var values = new float[m * k];
        var indices = new int[m * k];
        TopK.Rows(x, m, n, k, values, indices, threads);
        return (values, indices);
    }

    private static void AssertSameBits(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]} but expected {expected[i]}");
        }
    }

    [Fact]
    public void Rows_EveryWidthUpTo260_MatchesReference()
    {
        var random = new Random(1234);
        const int m = 3;
        for (int n = 1; n <= 260; n++)
        {
            foreach (int k in new[] { 1, 2, Math.Max(1, n / 2), n }.Where(k => k <= n).Distinct())
            {
                foreach (Fill fill in Enum.GetValues<Fill>())
                {
                    float[] x = Make(random, m * n, fill);
                    var expected = Reference(x, m, n, k);
                    var actual = Fast(x, m, n, k, threads: 1);
                    Assert.Equal(expected.Indices, actual.Indices);
                    AssertSameBits(expected.Values, actual.Values, $"n={n} k={k} fill={fill}");
                }
            }
        }
    }

    [Theory]
    [InlineData(Fill.Random)]
    [InlineData(Fill.SmallIntegers)]
    [InlineData(Fill.Specials)]
    public void Rows_Wide16384K32_MatchesReference(Fill fill)
    {
        var random = new Random(7);
        const int m = 5, n = 16384, k = 32;
        float[] x = Make(random, m * n, fill);
        var expected = Reference(x, m, n, k);
        var actual = Fast(x, m, n, k, threads: 2);
        Assert.Equal(expected.Indices, actual.Indices);
        AssertSameBits(expected.Values, actual.Values, $"fill={fill}");
    }

    [Fact]
    public void Rows_AscendingRow_KeepsLastK()
    {
        // Worst case for the filter: every entry beats the current k-th.
        const int n = 1000, k = 7;
        float[] x = [.. Enumerable.Range(0, n).Select(i => (float)i)];
        var actual = Fast(x, 1, n, k, threads: 1);
        Assert.Equal([.. Enumerable.Range(n - k, k).Reverse()], actual.Indices);
    }

    [Fact]
    public void Rows_NaNAmongNumbers_RanksBelowNegativeInfinity()
    {
        float[] x = [float.NaN, float.NegativeInfinity, float.NaN, 2f, -0f, 0f];
        var actual = Fast(x, 1, 6, 6, threads: 1);
        Assert.Equal([3, 4, 5, 1, 0, 2], actual.Indices);
    }

    [Fact]
    public void Rows_ThreadCounts_GiveIdenticalBits()
    {
        var random = new Random(99);
        const int m = 67, n = 3001, k = 33;
        float[] x = Make(random, m * n, Fill.Specials);
        var one = Fast(x, m, n, k, threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Fast(x, m, n, k, threads);
            Assert.Equal(one.Indices, many.Indices);
            AssertSameBits(one.Values, many.Values, $"threads={threads}");
        }
    }

    [Fact]
    public void Rows_ZeroRowsOrZeroK_WritesNothing()
    {
        TopK.Rows([], 0, 5, 3, [], [], threads: 2);
        TopK.Rows(new float[10], 2, 5, 0, [], []);
    }

    [Fact]
    public void Rows_KAboveN_ThrowsNamingK()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Rows(new float[6], 2, 3, 4, new float[8], new int[8]));
        Assert.Equal("k", e.ParamName);
    }

    [Theory]
    [InlineData(11, 6, 6, "x")]
    [InlineData(12, 5, 6, "values")]
    [InlineData(12, 6, 7, "indices")]
    public void Rows_WrongLength_ThrowsNamingArgument(int xLength, int valuesLength, int indicesLength, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => TopK.Rows(new float[xLength], 3, 4, 2, new float[valuesLength], new int[indicesLength]));
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name + " has length", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_ZeroThreads_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Rows(new float[4], 1, 4, 1, new float[1], new int[1], threads: 0));
        Assert.Equal("threads", e.ParamName);
    }
}
