namespace Sae.Numerics.Tests;

public class TopKSelectorTests
{
    private static float[] Row(Random random, int n, bool ties) =>
        [.. Enumerable.Range(0, n).Select(_ => ties ? random.Next(-4, 5) : random.Next(40) == 0 ? float.NaN : (float)random.NextDouble())];

    // Splits [0, n) into random contiguous chunks, returned in random order.
    private static List<(int Start, int Length)> RandomChunks(Random random, int n)
    {
        var chunks = new List<(int, int)>();
        for (int start = 0; start < n;)
        {
            int length = Math.Min(n - start, random.Next(0, 70));
            chunks.Add((start, length));
            start += length;
        }
        return [.. chunks.OrderBy(_ => random.Next())];
    }

    [Fact]
    public void Finish_RandomChunkings_EqualsRowsBitForBit()
    {
        var random = new Random(2024);
        foreach (int n in new[] { 1, 5, 16, 17, 63, 64, 100, 257, 1000, 4099 })
        {
            foreach (int k in new[] { 1, 2, Math.Max(1, n / 2), n }.Where(k => k <= n).Distinct())
            {
                var values = new float[k];
                var indices = new int[k];
                var expectedValues = new float[k];
                var expectedIndices = new int[k];
                for (int trial = 0; trial < 4; trial++)
                {
                    float[] row = Row(random, n, ties: trial % 2 == 0);
                    TopK.Rows(row, 1, n, k, expectedValues, expectedIndices);
                    var selector = new TopKSelector(values, indices);
                    foreach (var (start, length) in RandomChunks(random, n))
                        selector.Offer(row.AsSpan(start, length), start);
                    var outValues = new float[k];
                    var outIndices = new int[k];
                    selector.Finish(outValues, outIndices);
                    Assert.Equal(expectedIndices, outIndices);
                    Assert.Equal(expectedValues.Select(BitConverter.SingleToInt32Bits), outValues.Select(BitConverter.SingleToInt32Bits));
                    Assert.Equal(0, selector.Count);
                }
            }
        }
    }

    [Fact]
    public void Resume_InterleavedRows_EqualsRows()
    {
        var random = new Random(5);
        const int rows = 4, n = 300, k = 9;
        float[] x = [.. Enumerable.Range(0, rows * n).Select(_ => (float)random.Next(-5, 5))];
        var heapValues = new float[rows * k];
        var heapIndices = new int[rows * k];
        var counts = new int[rows];
        for (int start = 0; start < n; start += 37)
        {
            for (int r = 0; r < rows; r++)
            {
                var selector = TopKSelector.Resume(heapValues.AsSpan(r * k, k), heapIndices.AsSpan(r * k, k), counts[r]);
                selector.Offer(x.AsSpan((r * n) + start, Math.Min(37, n - start)), start);
                counts[r] = selector.Count;
            }
        }
        for (int r = 0; r < rows; r++)
        {
            var selector = TopKSelector.Resume(heapValues.AsSpan(r * k, k), heapIndices.AsSpan(r * k, k), counts[r]);
            selector.Finish(heapValues.AsSpan(r * k, k), heapIndices.AsSpan(r * k, k));
        }
        var expectedValues = new float[rows * k];
        var expectedIndices = new int[rows * k];
        TopKReference.Rows(x, rows, n, k, expectedValues, expectedIndices);
        Assert.Equal(expectedIndices, heapIndices);
        Assert.Equal(expectedValues, heapValues);
    }

    [Fact]
    public void Finish_FewerThanKOffered_Throws()
    {
        var selector = new TopKSelector(new float[3], new int[3]);
        selector.Offer([1f, 2f], 0);
        bool threw = false;
        try
        {
            selector.Finish(new float[3], new int[3]);
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Assert.True(threw);
    }

    [Fact]
    public void Reset_AfterOffers_ForgetsThem()
    {
        var values = new float[2];
        var indices = new int[2];
        var selector = new TopKSelector(values, indices);
        selector.Offer([9f, 8f, 7f], 0);
        selector.Reset();
        selector.Offer([1f, 3f, 2f], 10);
        selector.Finish(values, indices);
        Assert.Equal([3f, 2f], values);
        Assert.Equal([11, 12], indices);
    }

    [Fact]
    public void Constructor_MismatchedBuffers_ThrowsNamingIndices()
    {
        var e = Assert.Throws<ArgumentException>(() => new TopKSelector(new float[3], new int[2]));
        Assert.Equal("indices", e.ParamName);
    }

    [Fact]
    public void Offer_NegativeBaseIndex_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var selector = new TopKSelector(new float[1], new int[1]);
            selector.Offer([1f], -1);
        });
        Assert.Equal("baseIndex", e.ParamName);
    }
}
