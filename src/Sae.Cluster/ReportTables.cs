using System.Globalization;
using System.Text;
using static Sae.Cluster.ReportFormat;

namespace Sae.Cluster;

/// <summary>The report's tables: trend verdicts, runs, comparisons and cell aggregates.</summary>
internal static class ReportTables
{
    /// <summary>One row per trend of the paper, verdict styled by its value.</summary>
    public static string Trends(SweepResults r) =>
        Table("trends", ["trend", "verdict", "evidence"], [false, false, false],
            r.Trends.Select(t => Row(null, Esc(t.Trend),
                $"<span class=\"verdict verdict-{Slug(t.Verdict)}\">{Esc(t.Verdict)}</span>", Esc(t.Evidence))),
            "no trend checks");

    /// <summary>Every run with its identity, state and final metrics.</summary>
    public static string Runs(SweepResults r) =>
        Table("runs-table",
            ["run id", "cell", "arch", "latents", "k", "λ", "seed", "steps", "status", "attempts",
             "final FVU", "L0", "dead", "tokens", "wall\u00a0s", "error"],
            [false, false, false, true, true, true, true, true, false, true, true, true, true, true, true, false],
            r.Runs.Select(x => Row(Slug(x.Status) == "failed" ? "failed" : null,
                $"<code>{Esc(x.RunId)}</code>", Esc(x.Cell), Esc(x.Architecture), Int(x.Latents), Int(x.K), Num(x.L1 ?? x.L0Coefficient, "0.####"),
                x.Seed.ToString(CultureInfo.InvariantCulture), Int(x.Steps), Status(x.Status), Int(x.Attempts),
                Num(x.Final?.Fvu, "0.0000"), Num(x.Final?.L0, "0.0"), Num(x.Final?.DeadFraction), Int(x.Final?.Tokens),
                Num(x.Final?.WallSeconds, "0.0"), $"<span class=\"error\">{Esc(x.Error)}</span>")),
            "no runs");

    /// <summary>Every pairwise comparison with its statistics.</summary>
    public static string Comparisons(SweepResults r) =>
        Table("comparisons-table",
            ["comparison id", "cell", "run a", "run b", "status", "shared", "agree", "mean dec cos", "mean enc cos"],
            [false, false, false, false, false, true, true, true, true],
            r.Comparisons.Select(c => Row(Slug(c.Status) == "failed" ? "failed" : null,
                BreakableId(c.ComparisonId), Esc(c.Cell), $"<code>{Esc(c.RunA)}</code>", $"<code>{Esc(c.RunB)}</code>",
                Status(c.Status), Num(c.SharedFraction), Num(c.AgreeFraction), Num(c.MeanDecCos), Num(c.MeanEncCos))),
            "no comparisons");

    /// <summary>Per-cell aggregates, recovery included (dashes where a cell has no pairs or no ground truth).</summary>
    public static string Cells(SweepResults r) =>
        Table("cells-table",
            ["cell", "arch", "latents", "k", "λ", "steps", "seeds", "pairs", "mean shared", "min shared", "max shared",
             "mean agree", "mean FVU", "mean L0", "MMCS", "recovered", "shared n", "shared best cos", "orphan n", "orphan best cos"],
            [false, false, .. Enumerable.Repeat(true, 18)],
            r.Cells.Select(c => Row(null,
                Esc(c.Cell), Esc(c.Architecture), Int(c.Latents), Int(c.K), Num(c.Penalty, "0.####"), Int(c.Steps), Int(c.Seeds), Int(c.Pairs),
                Num(c.MeanShared), Num(c.MinShared), Num(c.MaxShared), Num(c.MeanAgree), Num(c.MeanFvu, "0.0000"), Num(c.MeanL0, "0.0"),
                Num(c.Recovery?.Mmcs), Num(c.Recovery?.FractionRecovered), Int(c.Recovery?.SharedLatents), Num(c.Recovery?.SharedMeanBestCos),
                Int(c.Recovery?.OrphanLatents), Num(c.Recovery?.OrphanMeanBestCos))),
            "no cells");

    /// <summary>"{a}__{b}" may wrap after the "__" only (never at the hyphens inside a run id), to keep the table narrow.</summary>
    private static string BreakableId(string id) =>
        "<code>" + string.Join("<wbr>", id.Split("__").Select((part, i) => $"<span class=\"nobr\">{(i > 0 ? "__" : "")}{Esc(part)}</span>")) + "</code>";

    private static string Status(string status) => $"<span class=\"status status-{Slug(status)}\">{Esc(status)}</span>";

    private static (string? Class, string[] Cells) Row(string? cssClass, params string[] cells) => (cssClass, cells);

    /// <summary>
    /// A table whose cells are already HTML; numeric columns are right-aligned. An empty table gets
    /// one row of class "empty" that says so, so the reader sees "no runs" rather than a bare header.
    /// </summary>
    private static string Table(string id, string[] headers, bool[] numeric, IEnumerable<(string? Class, string[] Cells)> rows, string emptyText)
    {
        var sb = new StringBuilder($"<div class=\"table-wrap\"><table id=\"{id}\">\n<thead><tr>");
        for (int i = 0; i < headers.Length; i++)
            sb.Append(numeric[i] ? "<th class=\"num\">" : "<th>").Append(Esc(headers[i])).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        int count = 0;
        foreach (var (cssClass, cells) in rows)
        {
            sb.Append(cssClass is null ? "<tr>" : $"<tr class=\"{cssClass}\">");
            for (int i = 0; i < cells.Length; i++)
                sb.Append(numeric[i] ? "<td class=\"num\">" : cells[i].Contains("<wbr>", StringComparison.Ordinal) ? "<td class=\"wrap\">" : "<td>").Append(cells[i]).Append("</td>");
            sb.Append("</tr>\n");
            count++;
        }
        if (count == 0)
            sb.Append($"<tr class=\"empty\"><td colspan=\"{headers.Length}\">{Esc(emptyText)}</td></tr>\n");
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }
}
