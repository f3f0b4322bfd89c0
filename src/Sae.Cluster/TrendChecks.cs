using System.Globalization;

namespace Sae.Cluster;

/// <summary>
/// Checks the paper's trends against a sweep's cells and says plainly which ones it reproduces, which it does
/// not, and which it cannot test (e.g. training length, when every cell trains for the same number of steps).
/// </summary>
internal static class TrendChecks
{
    public const string Reproduced = "reproduced";
    public const string NotReproduced = "not reproduced";
    public const string NotTested = "not tested";

    public static IReadOnlyList<TrendCheck> Evaluate(IReadOnlyList<CellResult> cells)
    {
        var measured = cells.Where(c => c.MeanShared is not null).ToList();
        return [Width(measured), Architecture(measured), Length(measured), Recovery(measured)];
    }

    private static TrendCheck Width(List<CellResult> cells)
    {
        const string trend = "Wider SAEs share fewer latents across seeds";
        var series = cells.GroupBy(c => (c.Architecture, c.K, c.L1, c.Steps)).Where(g => g.Select(c => c.Latents).Distinct().Count() >= 2).ToList();
        if (series.Count == 0)
            return new TrendCheck(trend, NotTested, "the sweep has no architecture trained at two or more widths with completed comparisons.");
        var parts = series.Select(g =>
        {
            var ordered = g.OrderBy(c => c.Latents).ToList();
            bool falls = ordered[^1].MeanShared < ordered[0].MeanShared;
            return (falls, text: $"{Series(ordered[0])}: {string.Join(" → ", ordered.Select(c => F($"{c.MeanShared:F3} (w{c.Latents})")))}");
        }).ToList();
        return new TrendCheck(trend, parts.All(p => p.falls) ? Reproduced : NotReproduced, string.Join("; ", parts.Select(p => p.text)) + ".");
    }

    private static TrendCheck Architecture(List<CellResult> cells)
    {
        const string trend = "ReLU+L1 SAEs are more stable across seeds than TopK";
        var points = cells.Where(c => c.Architecture == "relu").Select(c => (c.Latents, c.Steps))
            .Intersect(cells.Where(c => c.Architecture == "topk").Select(c => (c.Latents, c.Steps))).Order().ToList();
        if (points.Count == 0)
            return new TrendCheck(trend, NotTested, "the sweep has no width and length trained with both TopK and ReLU+L1.");
        var parts = points.Select(p =>
        {
            double relu = cells.Where(c => c.Architecture == "relu" && (c.Latents, c.Steps) == p).Max(c => c.MeanShared!.Value);
            double topk = cells.Where(c => c.Architecture == "topk" && (c.Latents, c.Steps) == p).Max(c => c.MeanShared!.Value);
            return (more: relu > topk, text: F($"w{p.Latents} {p.Steps} steps: ReLU+L1 {relu:F3} vs TopK {topk:F3}"));
        }).ToList();
        string verdict = parts.All(p => p.more) ? Reproduced : NotReproduced;
        return new TrendCheck(trend, verdict, string.Join("; ", parts.Select(p => p.text)) + " (shared fraction; sparsity is not matched here).");
    }

    private static TrendCheck Length(List<CellResult> cells)
    {
        const string trend = "Longer training shares more latents";
        var series = cells.GroupBy(c => (c.Architecture, c.Latents, c.K, c.L1)).Where(g => g.Select(c => c.Steps).Distinct().Count() >= 2).ToList();
        if (series.Count == 0)
            return new TrendCheck(trend, NotTested, "every cell trains for the same number of steps; list several steps in a grid entry to test it.");
        var parts = series.Select(g =>
        {
            var ordered = g.OrderBy(c => c.Steps).ToList();
            return (rises: ordered[^1].MeanShared > ordered[0].MeanShared,
                text: F($"{ordered[0].Architecture} w{ordered[0].Latents}: {string.Join(" → ", ordered.Select(c => F($"{c.MeanShared:F3} ({c.Steps} steps)")))}"));
        }).ToList();
        return new TrendCheck(trend, parts.All(p => p.rises) ? Reproduced : NotReproduced, string.Join("; ", parts.Select(p => p.text)) + ".");
    }

    private static TrendCheck Recovery(List<CellResult> cells)
    {
        const string trend = "Shared latents are closer to true features than orphan latents (synthetic data)";
        var withBoth = cells.Where(c => c.Recovery is { SharedMeanBestCos: not null, OrphanMeanBestCos: not null }).ToList();
        if (withBoth.Count == 0)
            return new TrendCheck(trend, NotTested, "needs synthetic data with ground truth and cells with both shared and orphan latents.");
        var parts = withBoth.Select(c => (better: c.Recovery!.SharedMeanBestCos > c.Recovery.OrphanMeanBestCos,
            text: F($"{c.Architecture} w{c.Latents}: {c.Recovery!.SharedMeanBestCos:F3} vs {c.Recovery.OrphanMeanBestCos:F3}"))).ToList();
        return new TrendCheck(trend, parts.All(p => p.better) ? Reproduced : NotReproduced, string.Join("; ", parts.Select(p => p.text)) + " (mean best cosine to a true feature).");
    }

    private static string Series(CellResult c) =>
        c.K is { } k ? F($"{c.Architecture} k{k}") : F($"{c.Architecture} λ{c.L1}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
