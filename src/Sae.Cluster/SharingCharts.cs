using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>The two line charts about shared latents: shared fraction against width, and against the threshold.</summary>
internal static class SharingCharts
{
    private const int Width = 1000;
    private const int Height = 380;

    /// <summary>Mean shared fraction per cell against its number of latents (log2), one line per cell key without the width.</summary>
    public static string SharedVsWidth(SweepResults r)
    {
        var groups = r.Cells.Where(c => Finite(c.MeanShared) && c.Latents > 0)
            .GroupBy(c => (c.Architecture, c.K, c.Penalty, c.Steps))
            .ToList();
        var labels = SeriesLabels(groups.Select(g => g.First()).ToList());
        var legend = labels.Select((l, i) => new LegendEntry(l, ReportPalette.Series(i))).ToList();
        var plot = new SvgPlot(Width, Height, WidthAxis(r), PlotAxis.Linear("shared fraction (mean over seed pairs)", 0, 1), legend);
        for (int i = 0; i < groups.Count; i++)
        {
            var style = ReportPalette.Series(i);
            var cells = groups[i].OrderBy(c => c.Latents).ToList();
            foreach (var c in cells)
                plot.Whisker(c.Latents, c.MinShared ?? double.NaN, c.MaxShared ?? double.NaN, style.Colour);
            plot.Line(cells.Select(c => ((double)c.Latents, c.MeanShared!.Value)), style, tooltip: labels[i], markers: true);
        }
        if (r.GroundTruthFeatures is int truth && truth > 0)
            plot.VerticalMarker(truth, $"true features ({truth})", ReportPalette.Marker);
        if (groups.Count == 0)
            plot.Note("no completed comparisons yet");
        string truthText = r.GroundTruthFeatures is int t
            ? $" The dashed vertical line marks the {Int(t)} true features of the synthetic data."
            : "";
        string caption = "Each point is one cell: the fraction of latents that are shared between two seeds "
            + $"(both matched cosines above {Num(r.Threshold, "0.##")}), averaged over the cell's seed pairs; "
            + "the whisker spans the least and the most shared pair. The x axis is the number of latents on a log2 scale; "
            + "cells that differ only in width form one line." + truthText
            + " A line that falls to the right means wider SAEs share fewer of their latents across seeds.";
        return Figure("chart-shared-vs-width", "Shared latents vs SAE width",
            plot.Render("Mean shared fraction against number of latents"), caption);
    }

    /// <summary>Shared fraction as a function of the threshold, one line per cell, with the report's threshold marked.</summary>
    public static string ThresholdCurves(SweepResults r)
    {
        var styles = ReportPalette.ByCell(r);
        var cells = r.Cells.Where(c => c.ThresholdCurve.Count >= 2).ToList();
        var legend = cells.Select(c => new LegendEntry(c.Cell, styles[c.Cell])).ToList();
        var plot = new SvgPlot(Width, Height, PlotAxis.Linear("threshold on both matched cosines", 0, 1),
            PlotAxis.Linear("shared fraction (mean over seed pairs)", 0, 1), legend);
        foreach (var c in cells)
        {
            int n = c.ThresholdCurve.Count;
            plot.Line(c.ThresholdCurve.Select((v, i) => ((double)i / (n - 1), v)), styles[c.Cell]);
        }
        plot.VerticalMarker(r.Threshold, $"threshold {Num(r.Threshold, "0.##")}", ReportPalette.Marker);
        if (cells.Count == 0)
            plot.Note("no completed comparisons yet");
        string caption = "For each cell, the fraction of latents that would count as shared if the threshold were x "
            + "(a latent is shared when the cosines of both its decoder-matched and its encoder-matched partners exceed x), "
            + "averaged over the cell's seed pairs. The dashed line marks the threshold used everywhere else in this report. "
            + "A curve that stays high until close to 1 means the seeds learn nearly identical latents; "
            + "one that drops early means matched latents are only loosely alike, and the shared fraction depends strongly on the threshold.";
        return Figure("chart-threshold-curves", "Shared fraction vs threshold",
            plot.Render("Shared fraction against threshold, one line per cell"), caption);
    }

    /// <summary>A log2 axis over every width in the sweep (and the true feature count), a factor √2 of margin on each side.</summary>
    private static PlotAxis WidthAxis(SweepResults r)
    {
        var widths = r.Cells.Select(c => c.Latents).Concat(r.Runs.Select(x => x.Latents)).Where(w => w > 0)
            .Distinct().Order().Select(w => (double)w).ToList();
        var ends = r.GroundTruthFeatures is int t && t > 0 ? widths.Append(t).ToList() : widths;
        if (ends.Count == 0)
            return PlotAxis.Log("number of latents (log2 scale)", 64, 1024, AxisScale.Log2);
        return PlotAxis.Log("number of latents (log2 scale)", ends.Min() / Math.Sqrt(2), ends.Max() * Math.Sqrt(2), AxisScale.Log2,
            widths.Count is > 0 and <= 10 ? widths : null);
    }

    /// <summary>
    /// The architecture, plus whichever of k, λ and steps differ between series of that same
    /// architecture (so one TopK and one ReLU series are just "topk" and "relu").
    /// </summary>
    private static List<string> SeriesLabels(List<CellResult> firsts) =>
        firsts.Select(c =>
        {
            var same = firsts.Where(o => o.Architecture == c.Architecture).ToList();
            bool k = same.Select(o => o.K).Distinct().Count() > 1;
            bool l1 = same.Select(o => o.Penalty).Distinct().Count() > 1;
            bool steps = same.Select(o => o.Steps).Distinct().Count() > 1;
            return string.Join(' ', new[]
            {
                c.Architecture,
                k && c.K is int kv ? $"k={kv}" : null,
                l1 && c.Penalty is double lv ? $"{(c.L0Coefficient is null ? "λ" : "λ₀")}={Num(lv, "0.####")}" : null,
                steps ? $"{Int(c.Steps)} steps" : null,
            }.Where(p => p is not null));
        }).ToList();
}
