using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>A training job's delivery: claims its runs, trains them together, then enqueues comparisons whose two runs are complete.</summary>
internal sealed class TrainAttempt(Worker worker, IWorkQueue queue, QueueMessage message, SweepPlan plan, PlannedJob job)
    : WorkAttempt(worker, queue, message, plan)
{
    protected override IReadOnlyList<string> StatePaths { get; } = job.Runs.Select(r => StoreLayout.RunState(plan.SweepId, r.RunId)).ToArray();

    protected override AttemptTelemetry StartTelemetry() => AttemptTelemetry.Train(Plan, job, TraceParent);

    protected override async Task<IReadOnlyList<JsonObject?>> WorkAsync(IReadOnlyList<int> claimed, CancellationToken cancel)
    {
        var runs = claimed.Select(i => job.Runs[i]).ToArray();
        var progress = new Relay(p =>
        {
            Telemetry.Progress(job, runs, p);
            Worker.Observer.JobProgress(Owner, job, p);
        });
        void Resumed(long step)
        {
            Telemetry.Resumed(step);
            foreach (var run in runs)
                Entities.UpdateAsync(StoreLayout.RunState(Plan.SweepId, run.RunId), s => Lifecycle.Resumed(s, Owner, step), cancel).GetAwaiter().GetResult();
            Worker.Observer.JobStarted(Owner, job, runs, step);
        }
        var results = await Task.Run(() => Worker.Trainer.Train(Plan, job, runs, Owner, Resumed, progress, Telemetry.CheckpointStored, cancel), cancel).ConfigureAwait(false);
        return results;
    }

    protected override async Task AfterCompletionAsync(IReadOnlyList<int> claimed, CancellationToken cancel)
    {
        var done = claimed.Select(i => job.Runs[i].RunId).ToHashSet();
        foreach (var c in Plan.Comparisons.Where(c => done.Contains(c.A.RunId) || done.Contains(c.B.RunId)))
        {
            var a = await Entities.ReadAsync(StoreLayout.RunState(Plan.SweepId, c.A.RunId), cancel).ConfigureAwait(false);
            var b = await Entities.ReadAsync(StoreLayout.RunState(Plan.SweepId, c.B.RunId), cancel).ConfigureAwait(false);
            var state = await Entities.ReadAsync(StoreLayout.ComparisonState(Plan.SweepId, c.ComparisonId), cancel).ConfigureAwait(false);
            if (a?.Status == Lifecycle.Completed && b?.Status == Lifecycle.Completed && state?.Status == Lifecycle.Waiting)
                await Worker.Queues.SendAsync(new WorkMessage(WorkMessage.Compare, Plan.SweepId, c.ComparisonId, SweepTrace.Outgoing(TraceParent)), cancel: cancel).ConfigureAwait(false);
        }
    }

    protected override void Finished(string? failure) => Worker.Observer.JobFinished(Owner, job, failure);

    // progress arrives on the training thread; forward it synchronously (Progress<T> would post to the thread pool)
    private sealed class Relay(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
