using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The product's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both named
/// <see cref="ClusterNames.TelemetryName"/>) and every instrument. Nothing here exports: the executable wires an
/// exporter when the OTEL_* variables ask for one; without listeners spans are not even created.
/// Spans: "sweep submit", "run train" (an event per stored checkpoint), "comparison", and client spans for blob
/// and queue calls (<see cref="InstrumentedBlobStore"/>, <see cref="InstrumentedWorkQueue"/>).
/// </summary>
internal static class SaeTelemetry
{
    /// <summary>The span of <see cref="SweepSubmitter.SubmitAsync"/>.</summary>
    public const string SubmitSpan = "sweep submit";

    /// <summary>The span of one delivery of a training job (<see cref="TrainAttempt"/>).</summary>
    public const string TrainSpan = "run train";

    /// <summary>The span of one delivery of a comparison (<see cref="CompareAttempt"/>).</summary>
    public const string CompareSpan = "comparison";

    /// <summary>The event added to a "run train" span when a checkpoint is stored.</summary>
    public const string CheckpointEvent = "checkpoint";

    public static readonly ActivitySource Source = new(ClusterNames.TelemetryName);

    public static readonly Meter Meter = new(ClusterNames.TelemetryName);

    // fractions live in [0, 1] (FVU can exceed 1 early on); the SDK's default buckets (0, 5, 10, …) would put them all in one
    private static readonly InstrumentAdvice<double> Fractions = new() { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2] };

    private static readonly Histogram<double> TokensPerSecond = Meter.CreateHistogram<double>("sae.train.tokens_per_second", "{token}/s",
        "Training throughput of a job since its attempt started, sampled at every stored checkpoint and at the end.");

    private static readonly Histogram<double> Fvu = Meter.CreateHistogram<double>("sae.train.fvu", "1",
        "Fraction of variance unexplained of a run's last batch, at every stored checkpoint and at the end.", advice: Fractions);

    private static readonly Histogram<double> L0 = Meter.CreateHistogram<double>("sae.train.l0", "{latent}",
        "Mean active latents per token of a run's last batch, at every stored checkpoint and at the end.");

    private static readonly Histogram<double> DeadFraction = Meter.CreateHistogram<double>("sae.train.dead_fraction", "1",
        "Fraction of a run's latents that are dead, at every stored checkpoint and at the end.", advice: Fractions);

    private static readonly Counter<long> LeaseRenewals = Meter.CreateCounter<long>("sae.lease.renewals", "{renewal}",
        "Heartbeats that renewed the leases of claimed work.");

    private static readonly Counter<long> CasRetries = Meter.CreateCounter<long>("sae.store.cas_retries", "{retry}",
        "State-document writes retried after a stale ETag (another writer changed the document in between).");

    private static readonly Counter<long> StorageRetries = Meter.CreateCounter<long>("sae.store.retries", "{retry}",
        "Storage requests retried after a transient error.");

    private static readonly Counter<long> CompletedItems = Meter.CreateCounter<long>("sae.work.completed", "{item}",
        "Runs and comparisons completed (sae.kind: run | comparison).");

    private static readonly Counter<long> FailedItems = Meter.CreateCounter<long>("sae.work.failed", "{item}",
        "Runs and comparisons whose attempt ended in an error (retried later or failed for good; sae.kind: run | comparison).");

    private static readonly ConcurrentDictionary<string, QueueDepth> Queues = new();

    // observed, not recorded: a queue knows its depth, nobody has to report it
    private static readonly ObservableGauge<int> Depth = Meter.CreateObservableGauge<int>("sae.queue.depth", ObserveQueues, "{message}",
        "Messages in each work queue, visible or not (approximate for remote queues).");

    /// <summary>Counts heartbeats that renewed leases.</summary>
    public static void CountLeaseRenewals(long n) => LeaseRenewals.Add(n);

    /// <summary>Counts one compare-and-swap retry (stale ETag).</summary>
    public static void CountCasRetry() => CasRetries.Add(1);

    /// <summary>Counts one storage request retried after a transient error (for the remote stores' retry policies).</summary>
    /// <param name="operation">What was retried ("blob read", "queue send", …).</param>
    public static void CountStorageRetry(string operation) => StorageRetries.Add(1, new KeyValuePair<string, object?>("sae.operation", operation));

    /// <summary>Counts work items (runs or comparisons) that completed.</summary>
    public static void CountCompleted(string kind, int n) => CompletedItems.Add(n, new KeyValuePair<string, object?>("sae.kind", kind));

    /// <summary>Counts work items (runs or comparisons) whose attempt ended in an error.</summary>
    public static void CountFailed(string kind, int n) => FailedItems.Add(n, new KeyValuePair<string, object?>("sae.kind", kind));

    /// <summary>Records a job's throughput and each run's metrics (at a stored checkpoint or at the end).</summary>
    public static void RecordTraining(PlannedJob job, IReadOnlyList<PlannedRun> runs, TrainingProgress progress)
    {
        var cell = new KeyValuePair<string, object?>("sae.cell", job.Cell.Key);
        TokensPerSecond.Record(progress.TokensPerSecond, cell, new KeyValuePair<string, object?>("sae.job", job.JobId));
        for (int i = 0; i < runs.Count && i < progress.Seeds.Count; i++)
        {
            var run = new KeyValuePair<string, object?>("sae.run", runs[i].RunId);
            var m = progress.Seeds[i];
            Fvu.Record(m.Loss.Fvu, cell, run);
            L0.Record(m.Loss.L0, cell, run);
            DeadFraction.Record(m.DeadFraction, cell, run);
        }
    }

    /// <summary>
    /// Marks <paramref name="span"/> failed with <paramref name="error"/> and returns false, for exception filters that record
    /// and let the exception go on (<c>catch (Exception e) when (SaeTelemetry.Failed(span, e))</c>).
    /// </summary>
    public static bool Failed(Activity? span, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (span is null)
            return false;
        span.SetTag("error.type", error.GetType().FullName);
        // a stale ETag, an existing blob or a stale receipt is the protocol working (compare-and-swap, duplicate delivery), not a fault
        if (error is BlobConditionFailedException or QueueReceiptException)
            span.SetTag("sae.outcome", error is QueueReceiptException ? "stale_receipt" : "condition_failed");
        else if (error is not OperationCanceledException)
            span.SetStatus(ActivityStatusCode.Error, error.Message).AddException(error);
        return false;
    }

    /// <summary>
    /// A sweep submitted again: <paramref name="span"/> links to the first submission, whose trace (<paramref name="original"/>,
    /// saved in the sweep's state) the work keeps reporting to.
    /// </summary>
    public static void Resubmitted(Activity? span, string? original)
    {
        if (span is null)
            return;
        span.SetTag("sae.resubmitted", true);
        if (SweepTrace.Parse(original) is { TraceId: var trace } context && trace != default)
            span.AddLink(new ActivityLink(context));
    }

    /// <summary>Reports the depth of <paramref name="queue"/> on the queue-depth gauge (the latest queue of a name replaces an earlier one).</summary>
    public static void TrackQueueDepth(IWorkQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Queues[queue.Name] = new QueueDepth(queue);
    }

    private static IEnumerable<Measurement<int>> ObserveQueues() =>
        Queues.Select(q => (q.Key, Count: q.Value.Observe())).Where(q => q.Count is not null)
            .Select(q => new Measurement<int>(q.Count!.Value, new KeyValuePair<string, object?>("sae.queue.name", q.Key)))
            .ToArray();

    // A gauge callback must not block, and a remote queue's count is a request: take the count when it is at hand (in-memory
    // queues), else report the last one and let the pending request refresh it for the next collection.
    private sealed class QueueDepth(IWorkQueue queue)
    {
        private int _last = -1;
        private int _pending;

        public int? Observe()
        {
            if (Interlocked.CompareExchange(ref _pending, 1, 0) == 0)
            {
                var count = queue.CountAsync();
                if (count.IsCompleted)
                    Take(count);
                else
                    count.ContinueWith(Take, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            int last = Volatile.Read(ref _last);
            return last < 0 ? null : last;
        }

        private void Take(Task<int> count)
        {
            // a failed count (the queue unreachable) leaves the last value; the exception is observed here, not lost
            if (count.IsCompletedSuccessfully)
                Volatile.Write(ref _last, count.Result);
            else
                _ = count.Exception;
            Volatile.Write(ref _pending, 0);
        }
    }
}
