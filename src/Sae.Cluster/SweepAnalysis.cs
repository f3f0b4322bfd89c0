using System.Text.Json.Nodes;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cluster;

/// <summary>
/// Gathers a sweep's stored states and results into <see cref="SweepResults"/>: every run (final metrics and
/// training curve), every comparison, and per cell the pair statistics, threshold curve, matched-cosine
/// histograms, "appears in m of N seeds" and ground-truth recovery of shared vs orphan latents.
/// </summary>
public sealed class SweepAnalysis(IBlobStore blobs, string cacheDirectory)
{
    /// <summary>Builds the results of <paramref name="snapshot"/>.</summary>
    public async Task<SweepResults> BuildAsync(SweepSnapshot snapshot, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var plan = snapshot.Plan;
        var doc = plan.Document;
        var runs = new List<RunResult>();
        foreach (var r in plan.Runs)
            runs.Add(await RunAsync(plan, r, snapshot.Runs[r.RunId], cancel).ConfigureAwait(false));
        var comparisons = plan.Comparisons.Select(c => Comparison(c, snapshot.Comparisons[c.ComparisonId])).ToList();
        float[]? truth = doc.UseGroundTruth ? await new DatasetStore(blobs).GroundTruthAsync(doc.Dataset, cacheDirectory, cancel).ConfigureAwait(false) : null;
        var cells = new List<CellResult>();
        foreach (var cell in doc.Cells)
            cells.Add(await CellAsync(snapshot, cell, runs, truth, cancel).ConfigureAwait(false));
        return new SweepResults
        {
            SweepId = plan.SweepId,
            Name = doc.Name,
            Dataset = doc.Dataset.Description,
            GroundTruthFeatures = doc.Dataset.GroundTruthFeatures,
            Threshold = doc.Threshold,
            Runs = runs,
            Comparisons = comparisons,
            Cells = cells,
            Trends = TrendChecks.Evaluate(cells),
        };
    }

    private async Task<RunResult> RunAsync(SweepPlan plan, PlannedRun r, WorkState state, CancellationToken cancel)
    {
        var curve = new List<CurvePoint>();
        RunMetrics? final = null;
        if (state.Status == Lifecycle.Completed)
        {
            var metrics = await ReadJsonAsync($"{StoreLayout.Final(plan.SweepId, r.RunId)}/metrics.json", cancel).ConfigureAwait(false);
            foreach (var e in metrics?["history"]?.AsArray() ?? [])
                curve.Add(new CurvePoint(e!["step"]!.GetValue<long>(), Number(e["fvu"]), Number(e["l0"])));
            var res = state.Result;
            double wall = state.CompletedAt is { } end && state.History.Count > 0 ? (end - state.History[0].StartedAt).TotalSeconds : 0;
            final = new RunMetrics(Number(res?["fvu"]), Number(res?["mse"]), Number(res?["l0"]), Number(res?["dead_fraction"]),
                res?["tokens"]?.GetValue<long>() ?? 0, wall);
        }
        return new RunResult
        {
            RunId = r.RunId,
            Cell = r.Cell.Key,
            Architecture = r.Cell.Architecture,
            Latents = r.Cell.Latents,
            K = r.Cell.UsedK,
            L1 = r.Cell.UsedL1,
            L0Coefficient = r.Cell.UsedL0,
            Seed = r.Seed,
            Steps = r.Cell.Steps,
            Status = state.Status,
            Attempts = state.Attempts,
            Error = state.Error,
            Final = final,
            Curve = curve,
        };
    }

    private static ComparisonResult Comparison(PlannedComparison c, WorkState s) => new()
    {
        ComparisonId = c.ComparisonId,
        Cell = c.Cell.Key,
        RunA = c.A.RunId,
        RunB = c.B.RunId,
        Status = s.Status,
        SharedFraction = s.Result is null ? null : Number(s.Result["shared_fraction"]),
        AgreeFraction = s.Result is null ? null : Number(s.Result["agree_fraction"]),
        MeanDecCos = s.Result is null ? null : Number(s.Result["mean_dec_cos"]),
        MeanEncCos = s.Result is null ? null : Number(s.Result["mean_enc_cos"]),
    };

    private async Task<CellResult> CellAsync(SweepSnapshot snapshot, CellDocument cell, List<RunResult> runs, float[]? truth, CancellationToken cancel)
    {
        var plan = snapshot.Plan;
        var cellRuns = plan.Runs.Where(r => r.Cell.Key == cell.Key).ToArray();
        var done = runs.Where(r => r.Cell == cell.Key && r.Final is not null).ToArray();
        var pairs = new List<(PlannedComparison C, JsonNode Result)>();
        foreach (var c in plan.Comparisons.Where(c => c.Cell.Key == cell.Key && snapshot.Comparisons[c.ComparisonId].Status == Lifecycle.Completed))
        {
            var json = await ReadJsonAsync(StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId), cancel).ConfigureAwait(false);
            if (json is not null)
                pairs.Add((c, json));
        }
        var shared = pairs.Select(p => Number(p.Result["shared_fraction"])).ToArray();
        bool allPairs = done.Length == cellRuns.Length && pairs.Count == cellRuns.Length * (cellRuns.Length - 1) / 2 && cellRuns.Length >= 2;
        var appears = allPairs ? AppearsIn(cellRuns, pairs) : null;
        return new CellResult
        {
            Cell = cell.Key,
            Architecture = cell.Architecture,
            Latents = cell.Latents,
            K = cell.UsedK,
            L1 = cell.UsedL1,
            L0Coefficient = cell.UsedL0,
            Steps = cell.Steps,
            Seeds = done.Length,
            Pairs = pairs.Count,
            MeanShared = shared.Length > 0 ? shared.Average() : null,
            MinShared = shared.Length > 0 ? shared.Min() : null,
            MaxShared = shared.Length > 0 ? shared.Max() : null,
            MeanAgree = pairs.Count > 0 ? pairs.Average(p => Number(p.Result["agree_fraction"])) : null,
            MeanFvu = done.Length > 0 ? done.Average(r => r.Final!.Fvu) : null,
            MeanL0 = done.Length > 0 ? done.Average(r => r.Final!.L0) : null,
            ThresholdCurve = pairs.Count > 0 ? MeanCurve(pairs.Select(p => p.Result["threshold_curve"]!.AsArray())) : [],
            DecCosHistogram = pairs.Count > 0 ? SumHistograms(pairs.Select(p => p.Result["dec_cos_histogram"]!.AsArray())) : [],
            EncCosHistogram = pairs.Count > 0 ? SumHistograms(pairs.Select(p => p.Result["enc_cos_histogram"]!.AsArray())) : [],
            AppearsIn = appears is null ? [] : Histogram(appears, cellRuns.Length),
            Recovery = appears is not null && truth is not null ? await RecoveryAsync(plan, cellRuns, appears, truth, cancel).ConfigureAwait(false) : null,
        };
    }

    // per SAE of the cell, per latent: in how many of the N SAEs (itself included) it has a shared partner, as each
    // comparison decided it (shared_a/shared_b: by |cos| in a cell with signed latents, see SignInvariance)
    private static int[][] AppearsIn(PlannedRun[] runs, List<(PlannedComparison C, JsonNode Result)> pairs)
    {
        var index = runs.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i);
        var appears = runs.Select(r => Enumerable.Repeat(1, r.Cell.Latents).ToArray()).ToArray();
        foreach (var (c, result) in pairs)
        {
            foreach (var latent in result["shared_a"]!.AsArray())
                appears[index[c.A.RunId]][latent!.GetValue<int>()]++;
            foreach (var latent in result["shared_b"]!.AsArray())
                appears[index[c.B.RunId]][latent!.GetValue<int>()]++;
        }
        return appears;
    }

    private static long[] Histogram(int[][] appears, int n)
    {
        var counts = new long[n];
        foreach (int m in appears.SelectMany(a => a))
            counts[m - 1]++;
        return counts;
    }

    private async Task<CellRecovery> RecoveryAsync(SweepPlan plan, PlannedRun[] runs, int[][] appears, float[] truth, CancellationToken cancel)
    {
        int d = plan.Document.Dataset.D, g = truth.Length / d;
        var results = new List<RecoveryResult>();
        for (int i = 0; i < runs.Length; i++)
        {
            var sae = await FinalSaes.LoadAsync(blobs, cacheDirectory, plan.SweepId, runs[i], cancel).ConfigureAwait(false);
            // the rule the cell's comparisons used: |cos| for signed latents
            results.Add(GroundTruthRecovery.Compute(truth, g, sae.Parameters, appears[i], runs.Length,
                signInvariant: SignInvariance.For(runs[i].Cell), cancel: cancel));
        }
        static double? Weighted(IEnumerable<LatentGroupRecovery> groups)
        {
            var list = groups.Where(x => x.Count > 0).ToList();
            int total = list.Sum(x => x.Count);
            return total == 0 ? null : list.Sum(x => x.MeanBestCosine!.Value * x.Count) / total;
        }
        return new CellRecovery(results.Average(r => r.MeanFeatureBestCosine), results.Average(r => r.FractionRecovered), GroundTruthRecovery.DefaultThreshold,
            results.Sum(r => r.Shared.Count), Weighted(results.Select(r => r.Shared)), results.Sum(r => r.Orphan.Count), Weighted(results.Select(r => r.Orphan)));
    }


    private async Task<JsonNode?> ReadJsonAsync(string path, CancellationToken cancel)
    {
        var blob = await blobs.ReadAsync(path, cancel).ConfigureAwait(false);
        return blob is null ? null : JsonNode.Parse(blob.Content);
    }

    private static double[] MeanCurve(IEnumerable<JsonArray> curves)
    {
        var list = curves.ToList();
        return Enumerable.Range(0, list[0].Count).Select(i => list.Average(c => Number(c[i]))).ToArray();
    }

    private static long[] SumHistograms(IEnumerable<JsonArray> histograms)
    {
        var list = histograms.ToList();
        return Enumerable.Range(0, list[0].Count).Select(i => list.Sum(h => h[i]!.GetValue<long>())).ToArray();
    }

    private static double Number(JsonNode? node) => node is null ? double.NaN : node.GetValue<double>();
}
