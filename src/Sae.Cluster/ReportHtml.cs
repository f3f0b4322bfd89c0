using System.Text;
using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>
/// Renders a sweep's results as one self-contained HTML5 page: inline CSS, inline SVG charts, no
/// scripts and no external URL of any kind, so the file can be opened from disk, archived or mailed
/// as is. Every string from the results is HTML-encoded; numbers use the invariant culture; missing
/// and non-finite values show as "–".
/// </summary>
public static class ReportHtml
{
    /// <summary>
    /// The report page for <paramref name="results"/>. Pure (no I/O) and deterministic: the same
    /// results give the same text, so the page can be diffed and tested.
    /// </summary>
    /// <param name="results">The sweep's results; any stage of completion (no runs, failed runs, cells without pairs) renders.</param>
    /// <returns>The HTML document.</returns>
    public static string Render(SweepResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var r = results;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{Esc(r.Name)} · seed sweep report</title>\n")
            .Append("<style>\n").Append(ReportStyle.Css).Append("\n</style>\n</head>\n<body>\n");
        html.Append(Header(r)).Append(Navigation()).Append("<main>\n");
        Section(html, "trend-checks", "Trends of the paper", ReportTables.Trends(r));
        Section(html, "sharing", "Shared latents",
            SharingCharts.SharedVsWidth(r) + SharingCharts.ThresholdCurves(r) + CellMultiples.AppearsIn(r));
        Section(html, "cosines", "Matched cosines", CellMultiples.CosineHistograms(r));
        Section(html, "recovery", "Ground-truth recovery", RecoveryChart.Render(r));
        Section(html, "training", "Training", TrainingCurvesChart.Render(r));
        Section(html, "cells", "Cells", ReportTables.Cells(r));
        Section(html, "runs", "Runs", ReportTables.Runs(r));
        Section(html, "comparisons", "Comparisons", ReportTables.Comparisons(r));
        Section(html, "glossary", "What the numbers mean", Glossary(r));
        html.Append("</main>\n<footer>Written by Orleans.Sae. This page is self-contained: it loads no scripts, fonts, images or styles from anywhere.</footer>\n")
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, string id, string title, string body) =>
        html.Append($"<section id=\"{id}\">\n<h2>{Esc(title)}</h2>\n").Append(body).Append("</section>\n");

    private static string Header(SweepResults r)
    {
        var byStatus = r.Runs.GroupBy(x => x.Status).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}");
        int completedPairs = r.Comparisons.Count(c => Slug(c.Status) == "completed");
        string runs = r.Runs.Count == 0 ? "none yet" : $"{r.Runs.Count} ({string.Join(", ", byStatus)})";
        return "<header>\n"
            + $"<h1>{Esc(r.Name)}</h1>\n"
            + "<p class=\"subtitle\">Seed sweep of sparse autoencoders: which latents do SAEs trained with different random seeds share? "
            + "(after Paulo &amp; Belrose, 2025)</p>\n<dl class=\"facts\">\n"
            + Fact("sweep id", $"<code>{Esc(r.SweepId)}</code>")
            + Fact("dataset", Esc(r.Dataset))
            + Fact("ground truth", r.GroundTruthFeatures is int t ? $"{Int(t)} true features" : "unknown (real activations)")
            + Fact("shared threshold", Num(r.Threshold, "0.###"))
            + Fact("cells", Int(r.Cells.Count))
            + Fact("runs", Esc(runs))
            + Fact("comparisons", $"{Int(r.Comparisons.Count)} ({Int(completedPairs)} completed)")
            + "</dl>\n</header>\n";
    }

    private static string Fact(string name, string valueHtml) => $"<dt>{Esc(name)}</dt><dd>{valueHtml}</dd>\n";

    private static string Navigation() =>
        "<nav>"
        + string.Concat(new[]
        {
            ("trend-checks", "Trends"), ("sharing", "Shared latents"), ("cosines", "Cosines"), ("recovery", "Recovery"),
            ("training", "Training"), ("cells", "Cells"), ("runs", "Runs"), ("comparisons", "Comparisons"), ("glossary", "Glossary"),
        }.Select(l => $"<a href=\"#{l.Item1}\">{l.Item2}</a>"))
        + "</nav>\n";

    private static string Glossary(SweepResults r)
    {
        string t = Num(r.Threshold, "0.###");
        (string Term, string Meaning)[] terms =
        [
            ("shared fraction",
                "Two SAEs A and B of the same cell are matched twice, independently: once by their decoder directions and once by their encoder "
                + "directions, each time with an optimal one-to-one assignment that maximises the total cosine similarity. Latent i of A is shared "
                + $"when the cosine to its decoder-assignment partner is above {t} and the cosine to its encoder-assignment partner is above {t}. "
                + "The shared fraction is the share of A's latents that are shared."),
            ("agree",
                "The fraction of latents whose decoder assignment and encoder assignment pick the same partner in the other SAE. "
                + "High agreement means the two matchings tell the same story about which latent corresponds to which."),
            ("appears in m of N",
                "For a cell with N seeds, each latent of each SAE is counted by the number m of SAEs (itself included) in which it has a shared partner. "
                + "m = 1 marks orphans that only one seed learned; m = N marks latents every seed learned."),
            ("MMCS",
                "Mean max cosine similarity: for each true feature of synthetic data, the best cosine between it and any decoder direction of the SAE, "
                + "averaged over features. 1 means every true feature is recovered exactly."),
            ("FVU",
                "Fraction of variance unexplained: the mean squared reconstruction error divided by the variance of the activations. "
                + "0 is a perfect reconstruction; 1 is no better than predicting the mean activation."),
            ("L0", "The mean number of latents active (non-zero) per input token. For TopK SAEs it equals k."),
            ("dead fraction", "The fraction of latents that did not fire on any token in the recent training window; dead latents cannot be shared."),
        ];
        return "<dl class=\"glossary\">\n"
            + string.Concat(terms.Select(x => $"<dt>{Esc(x.Term)}</dt><dd>{Esc(x.Meaning)}</dd>\n"))
            + "</dl>\n";
    }
}
