namespace Sae.Cluster;

/// <summary>The flat CSV forms of a sweep's results, one row per run, comparison or cell (the JSON keeps the arrays).</summary>
internal static class SummaryCsv
{
    /// <summary>runs.csv: identity, state and final metrics of every run.</summary>
    public static string Runs(SweepResults r)
    {
        var csv = new CsvTable("run_id", "cell", "architecture", "latents", "k", "l1", "seed", "steps", "status", "attempts",
            "fvu", "mse", "l0", "dead_fraction", "tokens", "wall_seconds", "error", "l0_coefficient");
        foreach (var x in r.Runs)
        {
            var f = x.Final;
            csv.Row(x.RunId, x.Cell, x.Architecture, x.Latents, x.K, x.L1, x.Seed, x.Steps, x.Status, x.Attempts,
                f?.Fvu, f?.Mse, f?.L0, f?.DeadFraction, f?.Tokens, f?.WallSeconds, x.Error, x.L0Coefficient);
        }
        return csv.ToString();
    }

    /// <summary>comparisons.csv: every pair and its statistics.</summary>
    public static string Comparisons(SweepResults r)
    {
        var csv = new CsvTable("comparison_id", "cell", "run_a", "run_b", "status",
            "shared_fraction", "agree_fraction", "mean_dec_cos", "mean_enc_cos");
        foreach (var c in r.Comparisons)
            csv.Row(c.ComparisonId, c.Cell, c.RunA, c.RunB, c.Status, c.SharedFraction, c.AgreeFraction, c.MeanDecCos, c.MeanEncCos);
        return csv.ToString();
    }

    /// <summary>cells.csv: per-cell aggregates and ground-truth recovery (empty where undefined); the
    /// l0_coefficient column (JumpReLU's λ₀) is last so that the earlier columns keep their positions.</summary>
    public static string Cells(SweepResults r)
    {
        var csv = new CsvTable("cell", "architecture", "latents", "k", "l1", "steps", "seeds", "pairs",
            "mean_shared", "min_shared", "max_shared", "mean_agree", "mean_fvu", "mean_l0",
            "mmcs", "fraction_recovered", "recovery_threshold", "shared_latents", "shared_mean_best_cos", "orphan_latents", "orphan_mean_best_cos",
            "l0_coefficient");
        foreach (var c in r.Cells)
        {
            var rec = c.Recovery;
            csv.Row(c.Cell, c.Architecture, c.Latents, c.K, c.L1, c.Steps, c.Seeds, c.Pairs,
                c.MeanShared, c.MinShared, c.MaxShared, c.MeanAgree, c.MeanFvu, c.MeanL0,
                rec?.Mmcs, rec?.FractionRecovered, rec?.Threshold, rec?.SharedLatents, rec?.SharedMeanBestCos, rec?.OrphanLatents, rec?.OrphanMeanBestCos,
                c.L0Coefficient);
        }
        return csv.ToString();
    }
}
