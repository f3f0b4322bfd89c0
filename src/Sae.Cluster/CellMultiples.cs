using System.Text;
using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>
/// Per-cell small multiples (one small chart per cell, same axes throughout so panels compare at a
/// glance): matched-cosine histograms and the "appears in m of N seeds" distribution. Small
/// multiples rather than one crowded chart because a sweep can have a dozen cells.
/// </summary>
internal static class CellMultiples
{
    private const int PanelWidth = 300;
    private const int PanelHeight = 230;

    /// <summary>Histograms of matched decoder and encoder cosines, as fractions of the cell's matched latents.</summary>
    public static string CosineHistograms(SweepResults r)
    {
        var cells = r.Cells.Where(c => c.DecCosHistogram.Sum() + c.EncCosHistogram.Sum() > 0).ToList();
        double yMax = NiceCeiling(cells.SelectMany(c => Fractions(c.DecCosHistogram).Concat(Fractions(c.EncCosHistogram)))
            .DefaultIfEmpty(1).Max());
        var panels = new List<string>();
        foreach (var c in cells)
        {
            var plot = new SvgPlot(PanelWidth, PanelHeight, PlotAxis.Linear("matched cosine", 0, 1),
                PlotAxis.Linear("fraction of latents", 0, yMax), title: c.Cell);
            AddHistogram(plot, Fractions(c.DecCosHistogram), 0, "decoder", ReportPalette.Decoder);
            AddHistogram(plot, Fractions(c.EncCosHistogram), 1, "encoder", ReportPalette.Encoder);
            panels.Add(plot.Render($"Matched cosine histogram of {c.Cell}"));
        }
        string legend = HtmlLegend(("decoder (matched decoder directions)", ReportPalette.Decoder),
            ("encoder (matched encoder directions)", ReportPalette.Encoder));
        string caption = "For each cell, how the cosines between matched latents of two seeds are distributed "
            + "(20 bins over [0, 1], negative cosines in the first bin; summed over the cell's seed pairs and shown as a fraction of all matched latents). "
            + "Decoder and encoder matchings are separate optimal one-to-one assignments. "
            + "Mass near 1 means latents that reappear almost unchanged in another seed; a second bump at low cosine means latents without a real counterpart. "
            + "All panels share the same axes.";
        return Figure("chart-cosine-histogram", "Matched cosines per cell",
            legend + Grid(panels, "no completed comparisons yet"), caption);
    }

    /// <summary>Per cell: the fraction of latents that have a shared partner in m of the N seeds, m = 1..N.</summary>
    public static string AppearsIn(SweepResults r)
    {
        var styles = ReportPalette.ByCell(r);
        var panels = new List<string>();
        foreach (var c in r.Cells.Where(c => c.AppearsIn.Sum() > 0))
        {
            int n = c.AppearsIn.Count;
            var plot = new SvgPlot(PanelWidth, PanelHeight,
                PlotAxis.Categorical($"m = seeds that have the latent (of {n})", Enumerable.Range(1, n).Select(m => m.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()),
                PlotAxis.Linear("fraction of latents", 0, 1), title: c.Cell);
            var fractions = Fractions(c.AppearsIn);
            for (int m = 0; m < n; m++)
                plot.CategoryBar(m, 0, 1, fractions[m], styles[c.Cell].Colour, $"in {m + 1} of {n}: {Num(fractions[m])} ({Int(c.AppearsIn[m])} latents)");
            panels.Add(plot.Render($"Appears in m of N seeds for {c.Cell}"));
        }
        string caption = "Every latent of every SAE in a cell is counted by the number m of the cell's N seeds (itself included) "
            + "in which it has a shared partner. m = 1: the latent is an orphan that only one seed learned; m = N: every seed learned it. "
            + "Bars are fractions of all the cell's latents. Shown only for cells whose comparisons have all completed.";
        return Figure("chart-appears-in", "Appears in m of N seeds",
            Grid(panels, "no cell has all of its comparisons completed yet"), caption);
    }

    private static void AddHistogram(SvgPlot plot, List<double> fractions, int slot, string name, string colour)
    {
        int n = fractions.Count;
        for (int i = 0; i < n; i++)
        {
            // two bars side by side inside each bin: decoder left, encoder right
            double x0 = (double)i / n, w = 1.0 / n;
            plot.Bar(x0 + w * (0.05 + 0.45 * slot), x0 + w * (0.5 + 0.45 * slot), fractions[i], colour,
                $"{name} cosine {Num(x0, "0.00")}–{Num(x0 + w, "0.00")}: {Num(fractions[i])}");
        }
    }

    private static List<double> Fractions(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return counts.Select(c => total > 0 ? c / total : 0).ToList();
    }

    /// <summary>The panels in a wrapping grid; an empty set still shows empty axes with a note, so the figure keeps its chart.</summary>
    private static string Grid(List<string> panels, string emptyNote)
    {
        if (panels.Count == 0)
        {
            var empty = new SvgPlot(PanelWidth, PanelHeight, PlotAxis.Linear("", 0, 1), PlotAxis.Linear("", 0, 1));
            empty.Note(emptyNote);
            panels.Add(empty.Render(emptyNote));
        }
        return "<div class=\"multiples\">\n" + string.Join('\n', panels) + "\n</div>";
    }

    /// <summary>A legend in HTML above the panels (one legend for all of them instead of one per panel).</summary>
    internal static string HtmlLegend(params (string Label, string Colour)[] entries)
    {
        var sb = new StringBuilder("<div class=\"legend\">");
        foreach (var (label, colour) in entries)
            sb.Append($"<span><i style=\"background:{colour}\"></i>{Esc(label)}</span>");
        return sb.Append("</div>\n").ToString();
    }
}
