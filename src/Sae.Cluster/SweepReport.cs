namespace Sae.Cluster;

/// <summary>Writes a sweep's report (report.html, summary.json, runs/comparisons/cells CSV) from its stored state into sweeps/{sweep}/report/.</summary>
public static class SweepReport
{
    /// <summary>Builds the results and writes the report; returns the results and the report's local directory.</summary>
    public static async Task<(SweepResults Results, string Directory)> WriteAsync(EntityStore entities, SweepPlan plan, string workDirectory,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(plan);
        var snapshot = await SweepSnapshot.ReadAsync(entities, plan, cancel).ConfigureAwait(false);
        var results = await new SweepAnalysis(entities.Blobs, Path.Combine(workDirectory, "cache")).BuildAsync(snapshot, cancel).ConfigureAwait(false);
        string reportBlob = StoreLayout.Report(plan.SweepId);
        string? local = entities.Blobs.LocalPath(reportBlob);
        string directory = local ?? Path.Combine(workDirectory, "report", plan.SweepId);
        var written = SummaryFiles.Write(results, directory);
        if (local is null)
        {
            foreach (string file in written)
                await entities.Blobs.UploadFileAsync($"{reportBlob}/{Path.GetFileName(file)}", file, cancel).ConfigureAwait(false);
        }
        if (snapshot.IsFinished)
            await new SweepSubmitter(entities).MarkFinishedAsync(snapshot, cancel).ConfigureAwait(false);
        return (results, directory);
    }
}
