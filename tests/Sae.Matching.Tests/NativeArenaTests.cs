namespace Sae.Matching.Tests;

public unsafe class NativeArenaTests
{
    [Fact]
    public void Allocate_AnyCount_AlignedTo64AndWritable()
    {
        using var arena = new NativeArena();
        foreach (long count in new long[] { 0, 1, 3, 1000 })
        {
            double* p = arena.Allocate<double>(count);
            Assert.Equal(0L, (long)p % 64);
            for (long k = 0; k < Math.Max(count, 1); k++)
                p[k] = k;
            Assert.Equal(Math.Max(count, 1) - 1, p[Math.Max(count, 1) - 1]);
        }
    }

    [Fact]
    public void Allocate_AfterDispose_Throws()
    {
        var arena = new NativeArena();
        arena.Allocate<int>(4);
        arena.Dispose();
        Assert.Throws<ObjectDisposedException>(() => arena.Allocate<int>(4));
    }
}
