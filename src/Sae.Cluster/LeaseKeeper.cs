namespace Sae.Cluster;

/// <summary>
/// Heartbeats for one piece of claimed work: every third of the lease it renews the lease in each claimed
/// entity's state (by compare-and-swap) and hides the queue message for another lease. If any claim was lost
/// (another worker took it over after this one stalled), <see cref="Token"/> is cancelled so the work stops
/// without writing anything. Also cancelled when the worker stops.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly EntityStore _entities;
    private readonly IWorkQueue _queue;
    private readonly IReadOnlyList<string> _statePaths;
    private readonly string _owner;
    private readonly TimeSpan _lease;
    private readonly CancellationTokenSource _cancel;
    private readonly Task _loop;
    private readonly Action<long> _renewed;

    public LeaseKeeper(EntityStore entities, IWorkQueue queue, QueueMessage message, IReadOnlyList<string> statePaths, string owner,
        TimeSpan lease, Action<long> renewed, CancellationToken stop)
    {
        _entities = entities;
        _queue = queue;
        Message = message;
        _statePaths = statePaths;
        _owner = owner;
        _lease = lease;
        _renewed = renewed;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>The message with its latest receipt.</summary>
    public QueueMessage Message { get; private set; }

    /// <summary>Cancelled when a claim is lost or the worker stops.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether a claim was lost to another worker.</summary>
    public bool Lost { get; private set; }

    private async Task LoopAsync()
    {
        var period = _lease / 3;
        using var timer = new PeriodicTimer(period, _entities.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_cancel.Token).ConfigureAwait(false))
                await BeatAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // stopped: the work ended, was lost, or the worker is shutting down
        }
    }

    private async Task BeatAsync()
    {
        foreach (string path in _statePaths)
        {
            var renewed = await _entities.UpdateAsync(path, s => Lifecycle.Renew(s, _owner, _entities.Now, _lease), _cancel.Token).ConfigureAwait(false);
            if (renewed is null)
            {
                Lost = true;
                await _cancel.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
        try
        {
            Message = await _queue.ExtendAsync(Message, _lease, _cancel.Token).ConfigureAwait(false);
        }
        catch (QueueReceiptException)
        {
            // the message reappeared and went to someone else: the state (renewed above) still says we own the work
        }
        _renewed(1);
    }

    /// <summary>Stops the heartbeats (the work is over).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_cancel.IsCancellationRequested)
            await _cancel.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _cancel.Dispose();
    }
}
