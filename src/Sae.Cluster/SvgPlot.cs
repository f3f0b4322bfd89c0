using System.Globalization;
using System.Net;
using System.Text;

namespace Sae.Cluster;

/// <summary>Colour and dash pattern of one series (the dash tells series apart once the palette repeats).</summary>
internal sealed record SeriesStyle(string Colour, string? Dash = null);

/// <summary>One legend line: a line swatch for line series, a square for bars.</summary>
internal sealed record LegendEntry(string Label, SeriesStyle Style, bool IsBar = false);

/// <summary>
/// A small static SVG chart: two axes with ticks, grid and titles, then lines, markers, whiskers,
/// bars and vertical markers in data coordinates, and a legend to the right of the plot area so it
/// never covers data. No scripts: values show as native tooltips (&lt;title&gt;) on markers and bars.
/// Layout is fixed when the plot is built (margins depend on tick labels, legend and title), so
/// every drawing call can write its SVG at once.
/// </summary>
internal sealed class SvgPlot
{
    private const double CharWidth = 6.8; // average width of a 12 px sans-serif glyph, for margin estimates
    private const double RotateDegrees = 35;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly int _width;
    private readonly int _height;
    private readonly PlotAxis _x;
    private readonly PlotAxis _y;
    private readonly IReadOnlyList<LegendEntry> _legend;
    private readonly string? _title;
    private readonly double _right, _top, _bottom; // plot-area edges in pixels
    private readonly double _left;
    private readonly double _yTitleX;
    private readonly bool _rotateX;
    private readonly StringBuilder _data = new();
    private readonly StringBuilder _overlay = new();

    /// <summary>A plot of <paramref name="width"/> × at least <paramref name="height"/> pixels (taller when the legend needs it).</summary>
    public SvgPlot(int width, int height, PlotAxis x, PlotAxis y, IReadOnlyList<LegendEntry>? legend = null, string? title = null)
    {
        (_width, _x, _y, _legend, _title) = (width, x, y, legend ?? [], title);
        double yLabels = y.TickMarks().Select(t => t.Label.Length).DefaultIfEmpty(1).Max() * CharWidth;
        _left = 30 + yLabels;
        _yTitleX = 14;
        double legendWidth = _legend.Count == 0 ? 0 : 34 + _legend.Max(e => e.Label.Length) * CharWidth;
        _right = width - 14 - legendWidth;
        _top = 12 + (title is null ? 0 : 20) + 14; // room for a vertical marker's label above the plot
        double xLabels = 20;
        if (x.Scale == AxisScale.Categorical && x.Categories.Count > 0)
        {
            double band = (_right - _left) / x.Categories.Count;
            double longest = x.Categories.Max(c => c.Length) * CharWidth;
            _rotateX = longest > band - 6;
            if (_rotateX)
            {
                // a rotated label ends at its band's centre and reaches left by cos(angle) of its length
                xLabels = 14 + longest * Math.Sin(RotateDegrees * Math.PI / 180) + 6;
                _left = Math.Max(_left, longest * Math.Cos(RotateDegrees * Math.PI / 180) - band / 2 + 8);
                _yTitleX = Math.Max(14, _left - yLabels - 16); // keep the y title next to its tick labels
            }
        }
        _height = Math.Max(height, (int)Math.Ceiling(_top + 18 * _legend.Count + 20));
        _bottom = _height - xLabels - 26;
    }

    private double Px(double v) => _left + _x.Fraction(v) * (_right - _left);

    private double Py(double v) => _bottom - _y.Fraction(v) * (_bottom - _top);

    private double Baseline => _y.Scale == AxisScale.Linear ? Py(Math.Max(_y.Min, 0)) : _bottom;

    /// <summary>A polyline through the points (in order); non-finite points break the line. Optional circle markers with tooltips.</summary>
    public void Line(IEnumerable<(double X, double Y)> points, SeriesStyle style, double strokeWidth = 2,
        string? tooltip = null, bool markers = false, double opacity = 1)
    {
        var segment = new List<(double X, double Y)>();
        foreach (var p in points.Append((X: double.NaN, Y: double.NaN)))
        {
            if (_x.CanShow(p.X) && _y.CanShow(p.Y))
            {
                segment.Add(p);
                continue;
            }
            if (segment.Count > 1)
            {
                string pts = string.Join(' ', segment.Select(q => $"{F(Px(q.X))},{F(Py(q.Y))}"));
                _data.Append($"<polyline points=\"{pts}\" fill=\"none\" stroke=\"{style.Colour}\" stroke-width=\"{F(strokeWidth)}\"")
                    .Append(style.Dash is null ? "" : $" stroke-dasharray=\"{style.Dash}\"")
                    .Append(opacity < 1 ? $" stroke-opacity=\"{F(opacity)}\"" : "")
                    .Append(" stroke-linejoin=\"round\"")
                    .Append(tooltip is null || markers ? "/>\n" : $"><title>{Esc(tooltip)}</title></polyline>\n");
            }
            if (markers)
            {
                foreach (var q in segment)
                    _overlay.Append($"<circle cx=\"{F(Px(q.X))}\" cy=\"{F(Py(q.Y))}\" r=\"3.5\" fill=\"{style.Colour}\" stroke=\"#fff\" stroke-width=\"1\">")
                        .Append($"<title>{Esc(tooltip)} ({q.X.ToString("0.###", Inv)}, {q.Y.ToString("0.###", Inv)})</title></circle>\n");
            }
            segment.Clear();
        }
    }

    /// <summary>A vertical min–max whisker with caps at <paramref name="x"/> (skipped when a bound is not finite).</summary>
    public void Whisker(double x, double low, double high, string colour)
    {
        if (!_x.CanShow(x) || !_y.CanShow(low) || !_y.CanShow(high))
            return;
        string cx = F(Px(x)), y0 = F(Py(low)), y1 = F(Py(high)), a = F(Px(x) - 4), b = F(Px(x) + 4);
        _data.Append($"<path d=\"M{cx},{y0}V{y1}M{a},{y0}H{b}M{a},{y1}H{b}\" stroke=\"{colour}\" stroke-width=\"1.5\" fill=\"none\"/>\n");
    }

    /// <summary>A bar from the baseline up to <paramref name="y"/>, spanning [x0, x1] in data coordinates.</summary>
    public void Bar(double x0, double x1, double y, string colour, string tooltip)
    {
        if (!_y.CanShow(y))
            return;
        double left = Px(x0), right = Px(x1), top = Math.Min(Py(y), Baseline), height = Math.Abs(Baseline - Py(y));
        _data.Append($"<rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(Math.Max(right - left, 0.5))}\" height=\"{F(height)}\" fill=\"{colour}\">")
            .Append($"<title>{Esc(tooltip)}</title></rect>\n");
    }

    /// <summary>Bar <paramref name="slot"/> of <paramref name="slots"/> side by side in band <paramref name="category"/> of a categorical x axis.</summary>
    public void CategoryBar(int category, int slot, int slots, double y, string colour, string tooltip)
    {
        const double used = 0.8; // of the band; the rest separates groups
        double w = used / slots, x0 = category - used / 2 + slot * w;
        Bar(x0 + w * 0.06, x0 + w * 0.94, y, colour, tooltip);
    }

    /// <summary>A dashed vertical line across the plot at <paramref name="x"/>, labelled above the plot area.</summary>
    public void VerticalMarker(double x, string label, string colour)
    {
        if (!_x.CanShow(x))
            return;
        double px = Px(x);
        string anchor = px > _right - 60 ? "end" : px < _left + 60 ? "start" : "middle";
        _overlay.Append($"<line x1=\"{F(px)}\" y1=\"{F(_top)}\" x2=\"{F(px)}\" y2=\"{F(_bottom)}\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n")
            .Append($"<text x=\"{F(px)}\" y=\"{F(_top - 5)}\" text-anchor=\"{anchor}\" class=\"marker\" fill=\"{colour}\">{Esc(label)}</text>\n");
    }

    /// <summary>A grey note in the middle of the plot area (e.g. "no completed comparisons yet").</summary>
    public void Note(string text) =>
        _overlay.Append($"<text x=\"{F((_left + _right) / 2)}\" y=\"{F((_top + _bottom) / 2)}\" text-anchor=\"middle\" class=\"note\">{Esc(text)}</text>\n");

    /// <summary>The finished &lt;svg&gt; element; <paramref name="description"/> becomes its accessible name.</summary>
    public string Render(string description)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"plot\" viewBox=\"0 0 {_width} {_height}\" width=\"{_width}\" height=\"{_height}\" role=\"img\" aria-label=\"{Esc(description)}\">\n");
        if (_title is not null)
            svg.Append($"<text x=\"{F(_left)}\" y=\"18\" class=\"panel-title\">{Esc(_title)}</text>\n");
        AppendAxes(svg);
        svg.Append(_data).Append(_overlay);
        AppendLegend(svg);
        return svg.Append("</svg>").ToString();
    }

    private void AppendAxes(StringBuilder svg)
    {
        foreach (var (v, label) in _y.TickMarks())
        {
            string py = F(Py(v));
            svg.Append($"<line x1=\"{F(_left)}\" y1=\"{py}\" x2=\"{F(_right)}\" y2=\"{py}\" class=\"grid\"/>\n")
                .Append($"<text x=\"{F(_left - 6)}\" y=\"{py}\" dy=\"0.32em\" text-anchor=\"end\" class=\"tick\">{Esc(label)}</text>\n");
        }
        foreach (var (v, label) in _x.TickMarks())
        {
            double px = Px(v);
            svg.Append($"<line x1=\"{F(px)}\" y1=\"{F(_bottom)}\" x2=\"{F(px)}\" y2=\"{F(_bottom + 5)}\" class=\"axis\"/>\n");
            if (_rotateX)
                svg.Append($"<text x=\"{F(px)}\" y=\"{F(_bottom + 14)}\" text-anchor=\"end\" class=\"tick\" transform=\"rotate(-{F(RotateDegrees)} {F(px)} {F(_bottom + 14)})\">{Esc(label)}</text>\n");
            else
                svg.Append($"<text x=\"{F(px)}\" y=\"{F(_bottom + 18)}\" text-anchor=\"middle\" class=\"tick\">{Esc(label)}</text>\n");
        }
        svg.Append($"<path d=\"M{F(_left)},{F(_top)}V{F(_bottom)}H{F(_right)}\" class=\"axis\" fill=\"none\"/>\n");
        double midX = (_left + _right) / 2, midY = (_top + _bottom) / 2;
        svg.Append($"<text x=\"{F(midX)}\" y=\"{F(_height - 8)}\" text-anchor=\"middle\" class=\"axis-title\">{Esc(_x.Title)}</text>\n")
            .Append($"<text x=\"{F(_yTitleX)}\" y=\"{F(midY)}\" text-anchor=\"middle\" class=\"axis-title\" transform=\"rotate(-90 {F(_yTitleX)} {F(midY)})\">{Esc(_y.Title)}</text>\n");
    }

    private void AppendLegend(StringBuilder svg)
    {
        double x = _right + 18, y = _top + 4;
        foreach (var e in _legend)
        {
            string sy = F(y);
            if (e.IsBar)
                svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y - 6)}\" width=\"12\" height=\"12\" fill=\"{e.Style.Colour}\"/>\n");
            else
                svg.Append($"<line x1=\"{F(x)}\" y1=\"{sy}\" x2=\"{F(x + 20)}\" y2=\"{sy}\" stroke=\"{e.Style.Colour}\" stroke-width=\"2.5\"")
                    .Append(e.Style.Dash is null ? "/>\n" : $" stroke-dasharray=\"{e.Style.Dash}\"/>\n");
            svg.Append($"<text x=\"{F(x + 26)}\" y=\"{sy}\" dy=\"0.32em\" class=\"legend\">{Esc(e.Label)}</text>\n");
            y += 18;
        }
    }

    private static string F(double v) => v.ToString("0.#", Inv);

    private static string Esc(string? s) => WebUtility.HtmlEncode(s ?? "");
}
