using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The embedded runtime behind `sae sweep run` and `sae demo`: a local-directory store, in-process queues and
/// N in-process workers running the same code as cluster workers. It holds an exclusive lock on the store while
/// it runs; at start it takes over claims left by a killed earlier run (their owner is gone) and enqueues all
/// unfinished work, so running it again resumes: finished runs are kept, interrupted runs resume from their last
/// stored checkpoint. When everything is Completed or Failed it writes the report.
/// </summary>
public sealed class EmbeddedSweep(string storeDirectory, ISweepObserver? observer = null)
{
    private readonly ISweepObserver _observer = observer ?? NullSweepObserver.Instance;

    /// <summary>The store's directory.</summary>
    public string StoreDirectory { get; } = Path.GetFullPath(storeDirectory);

    /// <summary>Scratch space inside the store (hidden from blob listings).</summary>
    public string WorkDirectory => Path.Combine(StoreDirectory, ".work");

    /// <summary>Called once the sweep is submitted, with its plan (for progress displays).</summary>
    public event Action<SweepPlan>? Submitted;

    /// <summary>Submits <paramref name="spec"/>, runs it to the end, writes the report.</summary>
    public async Task<EmbeddedOutcome> RunAsync(SweepSpec spec, Action<long, long>? importProgress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Directory.CreateDirectory(StoreDirectory);
        using var exclusive = LockStore();
        using var blobs = new FileBlobStore(StoreDirectory);
        var entities = new EntityStore(new InstrumentedBlobStore(blobs));
        var queues = InstrumentedWorkQueue.Wrap(WorkQueues.InMemory());
        int threads = spec.Resources.Workers * spec.Resources.ThreadsPerWorker;
        var plan = await new SweepSubmitter(entities).SubmitAsync(spec, WorkDirectory, threads, importProgress, cancel).ConfigureAwait(false);
        Submitted?.Invoke(plan);
        var reconciler = new Reconciler(entities, queues);
        var (first, snapshot) = await reconciler.ReconcileAndReadAsync(plan, enqueueIdle: true, takeOver: true, cancel).ConfigureAwait(false);
        if (first.Expired > 0)
            _observer.Log($"took over {first.Expired} claim(s) left by an interrupted run; they resume from their last checkpoint");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        string host = $"{Environment.MachineName}-{Environment.ProcessId}";
        var workers = Enumerable.Range(0, spec.Resources.Workers)
            .Select(i => new Worker(entities, queues, new WorkerOptions($"{host}-w{i}", spec.Resources.ThreadsPerWorker, WorkDirectory, WorkerOptions.AllQueues), _observer))
            .Select(w => Task.Run(() => w.RunAsync(stop.Token), CancellationToken.None))
            .ToArray();
        try
        {
            snapshot = await WaitUntilFinishedAsync(entities, queues, reconciler, snapshot, workers, cancel).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        var (results, reportDirectory) = await SweepReport.WriteAsync(entities, plan, WorkDirectory, cancel).ConfigureAwait(false);
        return new EmbeddedOutcome(plan, snapshot, results, reportDirectory);
    }

    // each pass reads every state once: the reconciler's pass is also the progress check
    private static async Task<SweepSnapshot> WaitUntilFinishedAsync(EntityStore entities, WorkQueues queues, Reconciler reconciler, SweepSnapshot snapshot,
        Task[] workers, CancellationToken cancel)
    {
        while (!snapshot.IsFinished)
        {
            if (workers.FirstOrDefault(w => w.IsFaulted) is { } broken)
                await broken.ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel).ConfigureAwait(false);
            bool idle = await queues.Train.CountAsync(cancel).ConfigureAwait(false) == 0 && await queues.Compare.CountAsync(cancel).ConfigureAwait(false) == 0
                && !snapshot.Runs.Values.Concat(snapshot.Comparisons.Values).Any(s => Lifecycle.IsLeased(s, entities.Now));
            // lapsed leases are re-enqueued; an idle runtime with unfinished work re-enqueues everything (nothing may be left behind)
            (_, snapshot) = await reconciler.ReconcileAndReadAsync(snapshot.Plan, enqueueIdle: idle, cancel: cancel).ConfigureAwait(false);
        }
        return snapshot;
    }

    private FileStream LockStore()
    {
        try
        {
            return new FileStream(Path.Combine(StoreDirectory, ".embedded.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new SaeInputException($"{StoreDirectory} is in use by another `sae sweep run` (or `sae demo`); wait for it or choose another --store.", e);
        }
    }
}

/// <summary>How an embedded sweep ended.</summary>
/// <param name="Plan">The sweep.</param>
/// <param name="Snapshot">Final states.</param>
/// <param name="Results">What the report shows.</param>
/// <param name="ReportDirectory">Where report.html and the summary files are.</param>
public sealed record EmbeddedOutcome(SweepPlan Plan, SweepSnapshot Snapshot, SweepResults Results, string ReportDirectory);
