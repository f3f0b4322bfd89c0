using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The worker loop: take a message (comparisons first: they are short and unblock the report), claim its entity
/// by compare-and-swap, keep the claim alive with heartbeats, do the work, store outputs at their fixed paths,
/// mark the entity Completed, enqueue what became ready, and delete the message. A message for finished work,
/// or for work another worker holds, is just deleted. An error sends the entity back for a retry after a backoff,
/// or to Failed with the reason after the allowed failures; the rest of the sweep goes on.
/// </summary>
public sealed class Worker
{
    private readonly EntityStore _entities;
    private readonly WorkQueues _queues;
    private readonly SweepCatalog _catalog;
    private readonly WorkerOptions _options;
    private readonly ISweepObserver _observer;
    private readonly TrainExecutor _trainer;
    private readonly CompareExecutor _comparer;
    private long _renewals;

    /// <summary>A worker on <paramref name="entities"/>'s store and <paramref name="queues"/>.</summary>
    public Worker(EntityStore entities, WorkQueues queues, WorkerOptions options, ISweepObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(options);
        _entities = entities;
        _queues = queues;
        _options = options;
        _catalog = new SweepCatalog(entities.Blobs);
        _observer = observer ?? NullSweepObserver.Instance;
        _trainer = new TrainExecutor(entities, new DatasetStore(entities.Blobs) { CacheLimitBytes = options.CacheLimitBytes }, options.WorkDirectory, options.Threads);
        _comparer = new CompareExecutor(entities.Blobs, options.WorkDirectory, options.Threads);
    }

    /// <summary>Lease renewals sent so far.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Works until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var idle = TimeSpan.FromMilliseconds(10);
        while (!stop.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await RunOnceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            idle = worked ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaxPoll.Ticks));
            if (!worked)
            {
                try
                {
                    await Task.Delay(idle, _entities.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Handles at most one message; false when no queue had one.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken stop)
    {
        foreach (var queue in new[] { _queues.Compare, _queues.Train }.Where(q => _options.Queues.Contains(q.Name)))
        {
            var message = await queue.ReceiveAsync(TimeSpan.FromSeconds(60), stop).ConfigureAwait(false);
            if (message is null)
                continue;
            await HandleAsync(queue, message, stop).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private async Task HandleAsync(IWorkQueue queue, QueueMessage message, CancellationToken stop)
    {
        var work = WorkMessage.TryParse(message.Body);
        var plan = work is null ? null : await _catalog.FindAsync(work.Sweep, stop).ConfigureAwait(false);
        if (work is null || plan is null)
        {
            _observer.Log($"{_options.Name}: dropped a message that names no known work: {message.Body}");
            await queue.DeleteAsync(message, stop).ConfigureAwait(false);
            return;
        }
        if (work.Kind == WorkMessage.Train && plan.FindJob(work.Id) is { } job)
            await new TrainAttempt(this, queue, message, plan, job).RunAsync(stop).ConfigureAwait(false);
        else if (work.Kind == WorkMessage.Compare && plan.FindComparison(work.Id) is { } comparison)
            await new CompareAttempt(this, queue, message, plan, comparison).RunAsync(stop).ConfigureAwait(false);
        else
        {
            _observer.Log($"{_options.Name}: sweep {work.Sweep} has no {work.Kind} work {work.Id}; message dropped.");
            await queue.DeleteAsync(message, stop).ConfigureAwait(false);
        }
    }

    internal EntityStore Entities => _entities;

    internal WorkQueues Queues => _queues;

    internal WorkerOptions Options => _options;

    internal ISweepObserver Observer => _observer;

    internal TrainExecutor Trainer => _trainer;

    internal CompareExecutor Comparer => _comparer;

    internal void CountRenewal(long n)
    {
        Interlocked.Add(ref _renewals, n);
        SaeTelemetry.CountLeaseRenewals(n);
    }

    /// <summary>One line for an exception: a user-facing message as is, anything else with its type.</summary>
    internal static string Describe(Exception e) => e is SaeInputException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
