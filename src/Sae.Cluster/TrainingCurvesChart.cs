using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>FVU against training step for every run, coloured by cell.</summary>
internal static class TrainingCurvesChart
{
    /// <summary>The figure; the y axis is logarithmic when the FVU values span more than a decade.</summary>
    public static string Render(SweepResults r)
    {
        var styles = ReportPalette.ByCell(r);
        var runs = r.Runs.Where(x => x.Curve.Any(p => double.IsFinite(p.Fvu))).ToList();
        var fvus = runs.SelectMany(x => x.Curve).Select(p => p.Fvu).Where(double.IsFinite).ToList();
        bool log = fvus.Count > 0 && fvus.Min() > 0 && fvus.Max() / fvus.Min() > 10;
        var y = log
            ? PlotAxis.Log("FVU (log scale)", fvus.Min() / 1.25, fvus.Max() * 1.25, AxisScale.Log10)
            : PlotAxis.Linear("FVU", Math.Min(0, fvus.DefaultIfEmpty(0).Min()), NiceCeiling(fvus.DefaultIfEmpty(1).Max()));
        long maxStep = runs.SelectMany(x => x.Curve).Select(p => p.Step).DefaultIfEmpty(1).Max();
        var cells = runs.Select(x => x.Cell).Distinct().ToList();
        var legend = cells.Select(c => new LegendEntry(c, styles[c])).ToList();
        var plot = new SvgPlot(1000, 400, PlotAxis.Linear("training step", 0, Math.Max(maxStep, 1)), y, legend);
        foreach (var run in runs)
        {
            plot.Line(run.Curve.Select(p => ((double)p.Step, p.Fvu)), styles[run.Cell], strokeWidth: 1.5,
                tooltip: $"{run.Cell} seed {run.Seed} ({run.RunId})", markers: run.Curve.Count == 1, opacity: 0.85);
        }
        if (runs.Count == 0)
            plot.Note("no training curves recorded yet");
        string caption = "Fraction of variance unexplained (FVU: reconstruction error divided by the activations' variance; "
            + "0 is perfect, 1 is no better than predicting the mean) over training, one line per run, one colour per cell. "
            + (log ? "The y axis is logarithmic because the values span more than a decade. " : "")
            + "Seeds of one cell should trace nearly the same curve; a run far from its siblings trained differently (or diverged), "
            + "which lowers that cell's shared fraction for reasons unrelated to feature universality.";
        return Figure("chart-training-curves", "Training curves", plot.Render("FVU against training step, one line per run"), caption);
    }
}
