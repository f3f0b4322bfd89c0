namespace Sae.Cluster;

/// <summary>
/// One `sae worker` process: a <see cref="Worker"/> loop on a store's queues, plus a reconciler pass over every
/// unfinished sweep every <see cref="ReconcileEvery"/>, so work whose worker died is re-enqueued even when no
/// client is running. Several workers reconciling at once is harmless: only one of them wins each lapsed
/// lease's compare-and-swap and enqueues it.
/// </summary>
public sealed class WorkerHost(StoreConnection store, WorkerOptions options, ISweepObserver? observer = null)
{
    /// <summary>Time between reconciliation passes.</summary>
    public TimeSpan ReconcileEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Runs until <paramref name="stop"/> is cancelled; work in progress is handed back at its last checkpoint.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(store);
        var entities = new EntityStore(store.Blobs);
        var worker = new Worker(entities, store.Queues, options, observer);
        var loop = Task.Run(() => worker.RunAsync(stop), CancellationToken.None);
        var reconcile = Task.Run(() => ReconcileLoopAsync(entities, stop), CancellationToken.None);
        await Task.WhenAll(loop, reconcile).ConfigureAwait(false);
    }

    private async Task ReconcileLoopAsync(EntityStore entities, CancellationToken stop)
    {
        var reconciler = new Reconciler(entities, store.Queues);
        var catalog = new SweepCatalog(store.Blobs);
        var finished = new HashSet<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (string sweep in await catalog.ListAsync(stop).ConfigureAwait(false))
                {
                    var plan = finished.Contains(sweep) ? null : await catalog.FindAsync(sweep, stop).ConfigureAwait(false);
                    if (plan is null)
                        continue;
                    // a finished sweep stays finished: its states are not read again
                    var (_, snapshot) = await reconciler.ReconcileAndReadAsync(plan, enqueueIdle: false, cancel: stop).ConfigureAwait(false);
                    if (snapshot.IsFinished)
                        finished.Add(sweep);
                }
                await Task.Delay(ReconcileEvery, entities.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
