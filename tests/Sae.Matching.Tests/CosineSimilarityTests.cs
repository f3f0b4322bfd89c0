namespace Sae.Matching.Tests;

public class CosineSimilarityTests
{
    private const double Tolerance = 1e-5;

    // cos(a_i, b_j) in double from the raw rows; 0 when either norm is 0 or not finite
    private static double Reference(float[] a, int i, float[] b, int j, int d)
    {
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < d; k++)
        {
            dot += (double)a[i * d + k] * b[j * d + k];
            na += (double)a[i * d + k] * a[i * d + k];
            nb += (double)b[j * d + k] * b[j * d + k];
        }
        return na > 0 && nb > 0 && double.IsFinite(na) && double.IsFinite(nb) ? dot / Math.Sqrt(na * nb) : 0;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 3)]
    [InlineData(33, 17, 65)]
    [InlineData(2050, 2050, 3)] // more than one block of rows
    public void Compute_OddShapes_MatchesDoubleReference(int rowsA, int rowsB, int d)
    {
        var a = Planted.Random(rowsA, d, rowsA).DecoderWeight;
        var b = Planted.Random(rowsB, d, rowsB + 1).DecoderWeight;
        a.AsSpan(0, d).Clear();
        var c = new float[rowsA * rowsB];
        var reports = new List<double>();
        CosineSimilarity.Compute(CosineSimilarity.UnitRows(a, rowsA, d), rowsA, CosineSimilarity.UnitRows(b, rowsB, d), rowsB, d, c, threads: 2,
            progress: new SyncProgress<double>(reports.Add));
        var rng = new Random(1);
        for (int s = 0; s < 2000; s++)
        {
            int i = s < 10 ? 0 : rng.Next(rowsA), j = rng.Next(rowsB);
            Assert.Equal(Reference(a, i, b, j, d), c[i * rowsB + j], Tolerance);
        }
        Assert.Equal(1.0, reports[^1]);
        Assert.All(c, x => Assert.InRange(x, -1f, 1f));
    }

    [Fact]
    public void UnitRows_ZeroNaNAndInfiniteRows_BecomeZero()
    {
        float[] w = [3, 4, 0, 0, float.NaN, 1, float.PositiveInfinity, 1, 1e-30f, 0];
        var unit = CosineSimilarity.UnitRows(w, 5, 2);
        Assert.Equal([0.6f, 0.8f, 0, 0, 0, 0, 0, 0, 1, 0], unit);
    }

    [Fact]
    public void BestMatches_EqualsDenseRowAndColumnMaxima()
    {
        int na = 40, nb = 25, d = 16;
        var a = CosineSimilarity.UnitRows(Planted.Random(na, d, 1).EncoderWeight, na, d);
        var b = CosineSimilarity.UnitRows(Planted.Random(nb, d, 2).EncoderWeight, nb, d);
        var c = new float[na * nb];
        CosineSimilarity.Compute(a, na, b, nb, d, c);
        float[] bestA = new float[na], bestB = new float[nb];
        CosineSimilarity.BestMatches(a, na, b, nb, d, bestA, bestB, 1, absolute: false, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, na).Select(i => c.Skip(i * nb).Take(nb).Max()), bestA);
        Assert.Equal(Enumerable.Range(0, nb).Select(j => Enumerable.Range(0, na).Max(i => c[i * nb + j])), bestB);
    }
}
