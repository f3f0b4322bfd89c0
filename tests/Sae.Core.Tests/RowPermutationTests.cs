namespace Sae.Core.Tests;

public class RowPermutationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(4097)]
    public void Indexer_AnySize_IsAPermutation(long rows)
    {
        var p = new RowPermutation(rows, seed: 7, epoch: 0);
        var seen = new bool[rows];
        for (long i = 0; i < rows; i++)
        {
            long r = p[i];
            Assert.InRange(r, 0, rows - 1);
            Assert.False(seen[r], $"row {r} appears twice");
            seen[r] = true;
        }
    }

    [Fact]
    public void Indexer_SeedsAndEpochs_GiveDifferentOrdersReproducibly()
    {
        long[] Order(ulong seed, ulong epoch)
        {
            var p = new RowPermutation(1000, seed, epoch);
            return Enumerable.Range(0, 1000).Select(i => p[i]).ToArray();
        }
        Assert.Equal(Order(1, 0), Order(1, 0));
        Assert.NotEqual(Order(1, 0), Order(1, 1));
        Assert.NotEqual(Order(1, 0), Order(2, 0));
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i).ToArray(), Order(1, 0));
    }
}
