namespace Sae.Core.Tests;

public class NonFiniteTests
{
    [Fact]
    public void IndexOf_EveryLengthAndPosition_MatchesScalar()
    {
        float[] bads = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001))];
        for (int n = 0; n <= 70; n++)
        {
            var v = Enumerable.Range(0, n).Select(i => (i % 3 - 1) * float.MaxValue / (i + 1)).ToArray();
            Assert.Equal(-1, NonFinite.IndexOf(v));
            for (int at = 0; at < n; at++)
            {
                var w = (float[])v.Clone();
                w[at] = bads[at % bads.Length];
                if (at + 2 < n)
                    w[at + 2] = float.NaN; // a later one must not win
                Assert.Equal(at, NonFinite.IndexOf(w));
            }
        }
    }
}
