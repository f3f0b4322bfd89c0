using Sae.Cluster;

namespace Sae.Cluster.Tests;

public class PlotAxisTests
{
    [Fact]
    public void NiceTicks_UnitRange_FifthsWithoutRoundingNoise() =>
        Assert.Equal(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 }, PlotAxis.NiceTicks(0, 1));

    [Theory]
    [InlineData(0.25, 0.05, "0.25")]
    [InlineData(800, 200, "800")]
    [InlineData(20000, 5000, "20k")]
    [InlineData(1500000, 500000, "1.5M")]
    [InlineData(0.00001, 0.00001, "1e-5")]
    [InlineData(0.5, 0.25, "0.50")]
    public void Label_Values_ShortInvariantText(double value, double step, string expected) =>
        Assert.Equal(expected, PlotAxis.Label(value, step));

    [Fact]
    public void TickMarks_Log2Range_PowersOfTwoInside()
    {
        var axis = PlotAxis.Log("w", 90, 1500, AxisScale.Log2);
        Assert.Equal(new[] { "128", "256", "512", "1024" }, axis.TickMarks().Select(t => t.Label));
        Assert.Equal(0.5, axis.Fraction(Math.Sqrt(90 * 1500)), 12);
    }

    [Fact]
    public void Fraction_OutsideRangeOrNaN_Clamped()
    {
        var axis = PlotAxis.Linear("x", 0, 10);
        Assert.Equal((0.0, 1.0, 0.0), (axis.Fraction(-5), axis.Fraction(50), axis.Fraction(double.NaN)));
        Assert.False(PlotAxis.Log("y", 0.01, 1, AxisScale.Log10).CanShow(0));
    }
}
