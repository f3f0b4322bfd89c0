using System.Globalization;

namespace Sae.Cluster;

/// <summary>How an axis maps values to positions.</summary>
internal enum AxisScale
{
    /// <summary>Equal distances for equal differences.</summary>
    Linear,

    /// <summary>Equal distances for equal ratios, ticks at powers of two (SAE widths).</summary>
    Log2,

    /// <summary>Equal distances for equal ratios, ticks at powers of ten (FVU over training).</summary>
    Log10,

    /// <summary>One band per label; value i is the centre of band i.</summary>
    Categorical,
}

/// <summary>
/// One axis of an <see cref="SvgPlot"/>: its range, scale, title and ticks. Maps a data value to a
/// fraction 0..1 of the axis length; the plot turns that into pixels.
/// </summary>
internal sealed record PlotAxis
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Axis title, drawn along the axis (plain text; the plot escapes it).</summary>
    public required string Title { get; init; }

    /// <summary>Smallest value shown (for log scales, &gt; 0).</summary>
    public double Min { get; init; }

    /// <summary>Largest value shown.</summary>
    public double Max { get; init; }

    /// <summary>How values map to positions.</summary>
    public AxisScale Scale { get; init; }

    /// <summary>Tick positions; null = chosen from the range and scale.</summary>
    public IReadOnlyList<double>? Ticks { get; init; }

    /// <summary>Band labels of a categorical axis (empty otherwise).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>A linear axis over [min, max] (widened when empty so the map stays finite).</summary>
    public static PlotAxis Linear(string title, double min, double max) =>
        new() { Title = title, Min = min, Max = max > min ? max : min + 1, Scale = AxisScale.Linear };

    /// <summary>A log axis over [min, max], both &gt; 0.</summary>
    public static PlotAxis Log(string title, double min, double max, AxisScale scale, IReadOnlyList<double>? ticks = null) =>
        new() { Title = title, Min = min, Max = max > min ? max : min * 2, Scale = scale, Ticks = ticks };

    /// <summary>A categorical axis with one band per label.</summary>
    public static PlotAxis Categorical(string title, IReadOnlyList<string> labels) =>
        new() { Title = title, Min = -0.5, Max = labels.Count - 0.5, Scale = AxisScale.Categorical, Categories = labels };

    /// <summary>Where <paramref name="value"/> lies along the axis, 0 at Min and 1 at Max, clamped to [0, 1].</summary>
    public double Fraction(double value)
    {
        double f = Scale is AxisScale.Log2 or AxisScale.Log10
            ? (Math.Log(value) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min))
            : (value - Min) / (Max - Min);
        return double.IsNaN(f) ? 0 : Math.Clamp(f, 0, 1);
    }

    /// <summary>Whether <paramref name="value"/> can be placed on this axis at all (finite, and &gt; 0 on log scales).</summary>
    public bool CanShow(double value) =>
        double.IsFinite(value) && (Scale is not (AxisScale.Log2 or AxisScale.Log10) || value > 0);

    /// <summary>The tick values with their labels.</summary>
    public IReadOnlyList<(double Value, string Label)> TickMarks()
    {
        if (Scale == AxisScale.Categorical)
            return Categories.Select((c, i) => ((double)i, c)).ToList();
        var values = Ticks ?? Scale switch
        {
            AxisScale.Log2 => Powers(2),
            AxisScale.Log10 => Powers(10),
            _ => NiceTicks(Min, Max),
        };
        double step = values.Count > 1 ? Math.Abs(values[1] - values[0]) : 1;
        return values.Where(v => v >= Min - 1e-9 * Math.Abs(Max - Min) && v <= Max + 1e-9 * Math.Abs(Max - Min))
            .Select(v => (v, Label(v, Scale == AxisScale.Linear ? step : v)))
            .ToList();
    }

    /// <summary>Powers of <paramref name="b"/> inside the range; on a short log10 range also 2× and 5×, so there are enough ticks to read.</summary>
    private List<double> Powers(double b)
    {
        var list = new List<double>();
        int lo = (int)Math.Floor(Math.Log(Min, b) + 1e-9), hi = (int)Math.Ceiling(Math.Log(Max, b) - 1e-9);
        bool fill = b == 10 && hi - lo <= 3;
        for (int e = lo; e <= hi; e++)
        {
            double p = Math.Pow(b, e);
            list.Add(p);
            if (fill)
                list.AddRange([2 * p, 5 * p]);
        }
        return list;
    }

    /// <summary>About five ticks at 1, 2 or 5 times a power of ten.</summary>
    internal static List<double> NiceTicks(double min, double max)
    {
        double raw = (max - min) / 5;
        if (!(raw > 0) || !double.IsFinite(raw))
            return [min];
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = Nice(raw / mag) * mag;
        // k · step carries binary noise (3 · 0.2 = 0.6000000000000001); rounding to the step's decimals removes it
        int decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(step)), 0, 15);
        var ticks = new List<double>();
        for (long k = (long)Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
            ticks.Add(Math.Round(k * step, decimals));
        return ticks;
    }

    private static double Nice(double x) => x switch { < 1.5 => 1, < 3 => 2, < 7 => 5, _ => 10 };

    /// <summary>Short tick text: "0.25", "800", "20k", "1.5M", "1e-5"; <paramref name="resolution"/> is the tick step (or the value on log axes).</summary>
    internal static string Label(double v, double resolution)
    {
        double a = Math.Abs(v);
        if (a >= 1e6 && a % 1e5 == 0)
            return (v / 1e6).ToString("0.#", Inv) + "M";
        if (a >= 1e4 && a % 100 == 0)
            return (v / 1e3).ToString("0.#", Inv) + "k";
        if (a < 1e-3 && a > 0)
            return v.ToString("0.#e0", Inv);
        int decimals = 0;
        while (decimals < 6 && Math.Abs(resolution * Math.Pow(10, decimals) - Math.Round(resolution * Math.Pow(10, decimals))) > 1e-6)
            decimals++;
        return v.ToString("F" + decimals.ToString(Inv), Inv);
    }
}
