using System.Globalization;
using Sae.Matching;
using Spectre.Console;

namespace Sae.Cli.Rendering;

/// <summary>The tables <c>sae compare</c> prints: pairs, the "appears in m of N" histogram, ground-truth recovery.</summary>
internal static class CompareTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One row per pair: A vs B (A = the narrower SAE), shared, agree, mean matched cosines, MMCS both ways.</summary>
    public static void Pairs(IReadOnlyList<(string A, string B, PairSummary Summary)> pairs)
    {
        var table = new Table().AddColumns("a vs b", "n_a/n_b", "shared", "agree", "agree&shared", "cos dec/enc", "MMCS dec ab/ba", "MMCS enc ab/ba");
        foreach (var (a, b, s) in pairs)
        {
            table.AddRow(Markup.Escape($"{a} vs {b}"), $"{s.LatentsA}/{s.LatentsB}", P(s.SharedFraction), P(s.AgreeFraction), P(s.AgreeAndSharedFraction),
                $"{F(s.MeanDecCos)}/{F(s.MeanEncCos)}", $"{F(s.MmcsDecAB)}/{F(s.MmcsDecBA)}", $"{F(s.MmcsEncAB)}/{F(s.MmcsEncBA)}");
        }
        Write(table);
    }

    /// <summary>Per SAE: the fraction of its latents that appear in m of the N SAEs, m = 1..N.</summary>
    public static void Consensus(ConsensusResult consensus, IReadOnlyList<string> names)
    {
        int n = consensus.SaeCount;
        Console.WriteLine($"appears in m of {n} SAEs (fraction of each SAE's latents):");
        var table = new Table().AddColumn("SAE").AddColumn("n");
        for (int m = 1; m <= n; m++)
            table.AddColumn(m == n ? $"m={m} (all)" : $"m={m}");
        for (int s = 0; s < n; s++)
        {
            var c = consensus.Saes[s];
            table.AddRow([Markup.Escape(names[s]), c.Latents.ToString(Inv), .. Enumerable.Range(1, n).Select(m => P(c.Fraction(m)))]);
        }
        Write(table);
    }

    /// <summary>Per SAE: feature recovery (MMCS, fraction &gt; 0.9) and how shared vs orphan latents line up with true features.</summary>
    public static void Recovery(IReadOnlyList<RecoveryResult> recoveries, IReadOnlyList<string> names)
    {
        double t = recoveries[0].Threshold;
        Console.WriteLine($"ground-truth recovery of {recoveries[0].Features} features (MMCS; recovered = best cosine > {F(t)}); "
            + "each latent's best cosine to a true feature, for shared (in >= 2 SAEs) and orphan latents:");
        var table = new Table().AddColumns("SAE", "MMCS", "recovered", "shared: n", "best cos", $"> {F(t)}", "orphan: n", "best cos", $"> {F(t)}");
        for (int s = 0; s < recoveries.Count; s++)
        {
            var r = recoveries[s];
            table.AddRow(Markup.Escape(names[s]), F(r.MeanFeatureBestCosine), P(r.FractionRecovered),
                r.Shared.Count.ToString(Inv), F(r.Shared.MeanBestCosine), P(r.Shared.FractionRecovering),
                r.Orphan.Count.ToString(Inv), F(r.Orphan.MeanBestCosine), P(r.Orphan.FractionRecovering));
        }
        Write(table);
    }

    // redirected output (files, CI logs) has no width; Spectre assumes 80 and would wrap every cell
    private static void Write(Table table)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        AnsiConsole.Write(table);
    }

    private static string P(double? x) => x is { } v ? v.ToString("P1", Inv) : "–";

    private static string F(double? x) => x is { } v ? v.ToString("F3", Inv) : "–";
}
