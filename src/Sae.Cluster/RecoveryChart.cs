using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>Ground-truth recovery of shared vs orphan latents per cell (synthetic data only).</summary>
internal static class RecoveryChart
{
    /// <summary>
    /// The grouped-bar figure when any cell has recovery statistics; otherwise a paragraph saying why
    /// there is none (and no figure, so the figure id is absent).
    /// </summary>
    public static string Render(SweepResults r)
    {
        var cells = r.Cells.Where(c => c.Recovery is not null).ToList();
        if (cells.Count == 0)
        {
            return r.GroundTruthFeatures is null
                ? "<p class=\"absent\">Ground truth is unknown for real activations, so this sweep cannot say whether shared latents "
                  + "recover true features better than orphans do.</p>\n"
                : "<p class=\"absent\">No cell has ground-truth recovery yet: it is computed once every comparison of a cell has completed.</p>\n";
        }
        var legend = new List<LegendEntry>
        {
            new("shared latents: mean best cosine", new SeriesStyle(ReportPalette.Shared), IsBar: true),
            new("orphan latents: mean best cosine", new SeriesStyle(ReportPalette.Orphan), IsBar: true),
            new("MMCS (true features)", new SeriesStyle(ReportPalette.Mmcs), IsBar: true),
        };
        var plot = new SvgPlot(1000, 380, PlotAxis.Categorical("cell", cells.Select(c => c.Cell).ToList()),
            PlotAxis.Linear("cosine", 0, 1), legend);
        for (int i = 0; i < cells.Count; i++)
        {
            var rec = cells[i].Recovery!;
            plot.CategoryBar(i, 0, 3, rec.SharedMeanBestCos ?? double.NaN, ReportPalette.Shared,
                $"{cells[i].Cell} shared: {Num(rec.SharedMeanBestCos)} over {Int(rec.SharedLatents)} latents");
            plot.CategoryBar(i, 1, 3, rec.OrphanMeanBestCos ?? double.NaN, ReportPalette.Orphan,
                $"{cells[i].Cell} orphan: {Num(rec.OrphanMeanBestCos)} over {Int(rec.OrphanLatents)} latents");
            plot.CategoryBar(i, 2, 3, rec.Mmcs, ReportPalette.Mmcs, $"{cells[i].Cell} MMCS: {Num(rec.Mmcs)}");
        }
        string caption = "For each cell, averaged over its SAEs: the mean over latents of the best cosine between a latent's decoder direction "
            + "and any true feature, separately for shared latents (a shared partner in at least one other seed) and orphans (in none); "
            + "and MMCS, the mean over true features of the best cosine to any latent (how completely the SAE recovers the ground truth). "
            + "Green above red means the latents that several seeds agree on are the ones that match real features. "
            + "The cells table gives the latent counts and the fraction of features recovered.";
        return Figure("chart-recovery", "Ground-truth recovery: shared vs orphan latents",
            plot.Render("Mean best cosine to a true feature for shared and orphan latents, and MMCS, per cell"), caption);
    }
}
