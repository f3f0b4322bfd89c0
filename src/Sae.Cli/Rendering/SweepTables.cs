using System.Globalization;
using Sae.Cluster;
using Spectre.Console;

namespace Sae.Cli.Rendering;

/// <summary>Console tables for sweeps: per-cell results, trend verdicts, and stored status.</summary>
internal static class SweepTables
{
    public static void PrintCells(SweepResults r)
    {
        var table = new Table().Title($"{Markup.Escape(r.SweepId)}: shared latents (threshold {F(r.Threshold)})")
            .AddColumns("cell", "seeds", "shared", "min–max", "agree", "FVU", "L0", "GT rec.");
        foreach (var c in r.Cells)
        {
            table.AddRow(Markup.Escape(Label(c)), c.Seeds.ToString(CultureInfo.InvariantCulture),
                N(c.MeanShared), c.MinShared is null ? "–" : $"{N(c.MinShared)}–{N(c.MaxShared)}", N(c.MeanAgree),
                N(c.MeanFvu), c.MeanL0 is { } l0 ? F(Math.Round(l0, 1)) : "–", c.Recovery is { } rec ? N(rec.FractionRecovered) : "–");
        }
        AnsiConsole.Write(table);
    }

    public static void PrintTrends(SweepResults r)
    {
        foreach (var t in r.Trends)
        {
            string colour = t.Verdict == "reproduced" ? "green" : t.Verdict == "not reproduced" ? "red" : "grey";
            AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(t.Verdict)}[/]: {Markup.Escape(t.Trend)} — {Markup.Escape(t.Evidence)}");
        }
    }

    public static void PrintStatus(SweepSnapshot s, DateTimeOffset now)
    {
        AnsiConsole.MarkupLine($"sweep [bold]{Markup.Escape(s.Plan.SweepId)}[/] ({Markup.Escape(s.Plan.Document.Dataset.Description)}): "
            + $"runs {Counts(s.RunCounts)}; comparisons {Counts(s.ComparisonCounts)}{(s.IsFinished ? "; finished" : "")}");
        var table = new Table().AddColumns("run", "status", "attempts", "checkpoint", "owner / lease", "FVU", "error");
        foreach (var run in s.Plan.Runs)
        {
            var st = s.Runs[run.RunId];
            string lease = st.Owner is null ? "" : $"{st.Owner} ({(st.LeaseUntil is { } until ? F(Math.Round((until - now).TotalSeconds)) + " s left" : "")})";
            table.AddRow(Markup.Escape(run.RunId), st.Status, st.Attempts.ToString(CultureInfo.InvariantCulture), st.CheckpointStep.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(lease), st.Result?["fvu"] is { } fvu ? F(Math.Round(fvu.GetValue<double>(), 4)) : "", Markup.Escape(st.Error ?? ""));
        }
        AnsiConsole.Write(table);
        foreach (var (id, st) in s.Comparisons.Where(c => c.Value.Status == Lifecycle.Failed))
            AnsiConsole.MarkupLine($"[red]comparison {Markup.Escape(id)} failed[/]: {Markup.Escape(st.Error ?? "")}");
    }

    // "topk w128 k5" / "relu w512 λ0.3" (+ steps when not the only length): the cell key without its hash
    private static string Label(CellResult c) =>
        $"{c.Architecture} w{c.Latents} {(c.K is { } k ? $"k{k}" : c.L0Coefficient is { } l0 ? $"λ₀{F(l0)}" : $"λ{F(c.L1 ?? 0)}")} {c.Steps}st";

    /// <summary>"3 Completed, 1 Training": entities per status, in name order.</summary>
    public static string Counts(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}"));

    private static string N(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
