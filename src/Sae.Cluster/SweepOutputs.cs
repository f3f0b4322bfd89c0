using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The outputs a Completed entity must have in the store: a run's final SAE (cfg.json, weights, metrics.json), a
/// comparison's result.json and matches.csv. A state document says Completed only after its outputs were acknowledged,
/// but storage can lose acknowledged writes (a restore to an earlier point, a rolled-back account, an emulator
/// killed before it saved), and a sweep that then reports itself finished has silently lost results.
/// </summary>
public static class SweepOutputs
{
    /// <summary>Runs and comparisons that <paramref name="snapshot"/> says are Completed but lack an output, each with the first missing blob.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> MissingAsync(IBlobStore blobs, SweepSnapshot snapshot, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(snapshot);
        var plan = snapshot.Plan;
        // one listing for the whole sweep: this runs once a sweep looks finished, not on every pass
        var stored = (await blobs.ListAsync(StoreLayout.Sweep(plan.SweepId) + "/", cancel).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var missing = new Dictionary<string, string>();
        string weights = SaeFiles.WeightsFile(plan.Document.Layout);
        foreach (var run in plan.Runs.Where(r => snapshot.Runs[r.RunId].Status == Lifecycle.Completed))
        {
            string final = StoreLayout.Final(plan.SweepId, run.RunId);
            if (new[] { "cfg.json", weights, "metrics.json" }.Select(f => $"{final}/{f}").FirstOrDefault(b => !stored.Contains(b)) is { } lost)
                missing[run.RunId] = lost;
        }
        foreach (var c in plan.Comparisons.Where(c => snapshot.Comparisons[c.ComparisonId].Status == Lifecycle.Completed))
        {
            string[] outputs = [StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId), StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId)];
            if (outputs.FirstOrDefault(b => !stored.Contains(b)) is { } lost)
                missing[c.ComparisonId] = lost;
        }
        return missing;
    }
}
