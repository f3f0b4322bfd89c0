using System.Diagnostics;
using System.Globalization;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The span of one delivery of a message (<see cref="WorkAttempt"/>): "run train" or "comparison", a child of the
/// trace context the message carries, tagged with what the attempt works on, ended with its outcome
/// (sae.outcome: completed, duplicate, abandoned, interrupted, failed; status error on failure). Also counts completed
/// and failed work items and, for training, records the metrics at every stored checkpoint and at the end.
/// </summary>
internal sealed class AttemptTelemetry : IDisposable
{
    private readonly Activity? _span;
    private readonly string _kind;
    private int _attempt;
    private long _checkpoint = -1;

    private AttemptTelemetry(Activity? span, string kind)
    {
        _span = span;
        _kind = kind;
    }

    /// <summary>Starts the "run train" span of a training job's delivery.</summary>
    public static AttemptTelemetry Train(SweepPlan plan, PlannedJob job, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(job);
        var span = SaeTelemetry.Source.StartActivity(SaeTelemetry.TrainSpan, ActivityKind.Consumer, SweepTrace.Parse(traceParent), [
            new("sae.sweep", plan.SweepId),
            new("sae.job", job.JobId),
            new("sae.runs", job.Runs.Select(r => r.RunId).ToArray()),
            new("sae.cell", job.Cell.Key),
            new("sae.seeds", job.Runs.Select(r => r.Seed.ToString(CultureInfo.InvariantCulture)).ToArray()),
        ]);
        return new AttemptTelemetry(span, "run");
    }

    /// <summary>Starts the "comparison" span of a comparison's delivery.</summary>
    public static AttemptTelemetry Compare(SweepPlan plan, PlannedComparison comparison, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(comparison);
        var span = SaeTelemetry.Source.StartActivity(SaeTelemetry.CompareSpan, ActivityKind.Consumer, SweepTrace.Parse(traceParent), [
            new("sae.sweep", plan.SweepId),
            new("sae.comparison", comparison.ComparisonId),
            new("sae.runs", new[] { comparison.A.RunId, comparison.B.RunId }),
            new("sae.cell", comparison.Cell.Key),
        ]);
        return new AttemptTelemetry(span, "comparison");
    }

    /// <summary>An entity was claimed in <paramref name="state"/>: the span shows the highest attempt number claimed.</summary>
    public void Claimed(WorkState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _attempt = Math.Max(_attempt, state.Attempts);
        _span?.SetTag("sae.attempt", _attempt);
    }

    /// <summary>Nothing was claimed: the work is finished or held by another worker.</summary>
    public void Duplicate() => _span?.SetTag("sae.outcome", "duplicate");

    /// <summary>Training restored the checkpoint at <paramref name="step"/> (0: a fresh start).</summary>
    public void Resumed(long step) => _span?.SetTag("sae.resumed_from_step", step);

    /// <summary>A checkpoint at <paramref name="step"/> is stored for every claimed run.</summary>
    public void CheckpointStored(long step)
    {
        _span?.AddEvent(new ActivityEvent(SaeTelemetry.CheckpointEvent, tags: new ActivityTagsCollection { ["sae.step"] = step }));
        Interlocked.Exchange(ref _checkpoint, step);
    }

    /// <summary>Training progress: the metrics are recorded for the step of a stored checkpoint and for the last step.</summary>
    public void Progress(PlannedJob job, IReadOnlyList<PlannedRun> runs, TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        // the progress of a step is reported right after its checkpoint is stored
        if (progress.Step == Interlocked.Read(ref _checkpoint) || progress.Step == progress.TotalSteps)
            SaeTelemetry.RecordTraining(job, runs, progress);
    }

    /// <summary>The claimed items completed.</summary>
    public void Completed(int items)
    {
        _span?.SetTag("sae.outcome", "completed");
        SaeTelemetry.CountCompleted(_kind, items);
    }

    /// <summary>The attempt stopped without a result and without an error (claim lost, worker stopping).</summary>
    public void Stopped(string outcome) => _span?.SetTag("sae.outcome", outcome);

    /// <summary>The work threw: the items go back for a retry or to Failed.</summary>
    public void Failed(Exception error, int items)
    {
        ArgumentNullException.ThrowIfNull(error);
        _span?.SetTag("sae.outcome", "failed");
        _span?.SetStatus(ActivityStatusCode.Error, Worker.Describe(error));
        _span?.AddException(error);
        SaeTelemetry.CountFailed(_kind, items);
    }

    /// <summary>Ends the span.</summary>
    public void Dispose() => _span?.Dispose();
}
