using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// Submits a sweep: puts its dataset in the store (once), writes the immutable spec.json and a state document
/// for every run and comparison that has none. Submitting the same spec again changes nothing (the ids come
/// from the content), so it finds the work already done.
/// </summary>
public sealed class SweepSubmitter(EntityStore entities)
{
    /// <summary>Submits <paramref name="spec"/>; returns the stored plan.</summary>
    public async Task<SweepPlan> SubmitAsync(SweepSpec spec, string workDirectory, int threads, Action<long, long>? importProgress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var span = SaeTelemetry.Source.StartActivity(SaeTelemetry.SubmitSpan);
        try
        {
            return await SubmitInSpanAsync(spec, workDirectory, threads, importProgress, span, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw; // not reached: the filter records the error and declines
        }
    }

    private async Task<SweepPlan> SubmitInSpanAsync(SweepSpec spec, string workDirectory, int threads, Action<long, long>? importProgress, Activity? span, CancellationToken cancel)
    {
        var dataset = await new DatasetStore(entities.Blobs).ImportAsync(spec.Dataset, workDirectory, threads, importProgress, cancel).ConfigureAwait(false);
        var document = SweepDocument.From(spec, dataset);
        string specPath = StoreLayout.SweepSpec(document.SweepId);
        try
        {
            await entities.Blobs.WriteAsync(specPath, document.ToBytes(), BlobCondition.IfNotExists, cancel).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // submitted before: the stored document (same id, same content) stays authoritative
        }
        var plan = await new SweepCatalog(entities.Blobs).FindAsync(document.SweepId, cancel).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{specPath} vanished after it was written.");
        foreach (var run in plan.Runs)
            await entities.CreateAsync(StoreLayout.RunState(plan.SweepId, run.RunId), Lifecycle.New("run"), cancel).ConfigureAwait(false);
        foreach (var c in plan.Comparisons)
            await entities.CreateAsync(StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId), Lifecycle.New("comparison"), cancel).ConfigureAwait(false);
        var state = new JsonObject { ["status"] = "Submitted", ["submitted_at"] = entities.Now.ToString("O"), ["runs"] = plan.Runs.Count, ["comparisons"] = plan.Comparisons.Count, [SweepTrace.Field] = SweepTrace.ForSubmit(span) };
        try
        {
            await entities.Blobs.WriteAsync(StoreLayout.SweepState(plan.SweepId), Encoding.UTF8.GetBytes(state.ToJsonString() + "\n"), BlobCondition.IfNotExists, cancel).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // resubmission: the work stays in the trace of the first submission
            SaeTelemetry.Resubmitted(span, await SweepTrace.ReadAsync(entities.Blobs, plan.SweepId, cancel).ConfigureAwait(false));
        }
        span?.SetTag("sae.sweep", plan.SweepId).SetTag("sae.run_count", plan.Runs.Count).SetTag("sae.comparison_count", plan.Comparisons.Count);
        return plan;
    }

    /// <summary>Marks the sweep finished (after its report is written).</summary>
    public async Task MarkFinishedAsync(SweepSnapshot snapshot, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = new JsonObject
        {
            ["status"] = snapshot.Runs.Values.Concat(snapshot.Comparisons.Values).Any(s => s.Status == Lifecycle.Failed) ? "CompletedWithFailures" : "Completed",
            ["finished_at"] = entities.Now.ToString("O"),
            ["runs"] = snapshot.Runs.Count,
            ["comparisons"] = snapshot.Comparisons.Count,
            [SweepTrace.Field] = await SweepTrace.ReadAsync(entities.Blobs, snapshot.Plan.SweepId, cancel).ConfigureAwait(false),
        };
        await entities.Blobs.WriteAsync(StoreLayout.SweepState(snapshot.Plan.SweepId), Encoding.UTF8.GetBytes(state.ToJsonString() + "\n"), BlobCondition.None, cancel).ConfigureAwait(false);
    }

    /// <summary>The sweep to act on: <paramref name="requested"/>, or the only sweep in the store.</summary>
    public static async Task<SweepPlan> ResolveAsync(IBlobStore blobs, string? requested, CancellationToken cancel = default)
    {
        var catalog = new SweepCatalog(blobs);
        if (requested is not null)
            return await catalog.FindAsync(requested, cancel).ConfigureAwait(false) ?? throw new SaeInputException($"the store has no sweep '{requested}'.");
        var all = await catalog.ListAsync(cancel).ConfigureAwait(false);
        return all.Count switch
        {
            0 => throw new SaeInputException("the store holds no sweep yet; start one with `sae sweep run SPEC --store DIR`."),
            1 => (await catalog.FindAsync(all[0], cancel).ConfigureAwait(false))!,
            _ => throw new SaeInputException($"the store holds {all.Count} sweeps ({string.Join(", ", all)}); choose one with --sweep."),
        };
    }
}
