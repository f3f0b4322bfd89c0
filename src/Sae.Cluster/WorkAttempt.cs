using System.Text.Json.Nodes;

namespace Sae.Cluster;

/// <summary>
/// One delivery of a message, from claim to completion (template for <see cref="TrainAttempt"/> and
/// <see cref="CompareAttempt"/>): claim every entity by CAS, heartbeat while working, mark Completed, enqueue what
/// became ready, delete the message. Claim lost → stop without writing; error → retry later or Failed.
/// </summary>
internal abstract class WorkAttempt(Worker worker, IWorkQueue queue, QueueMessage received, SweepPlan plan)
{
    protected Worker Worker { get; } = worker;

    protected SweepPlan Plan { get; } = plan;

    protected string Owner => Worker.Options.Name;

    protected EntityStore Entities => Worker.Entities;

    protected TimeSpan Lease => TimeSpan.FromSeconds(Plan.Document.LeaseSeconds);

    /// <summary>The W3C trace context the message came with (follow-up messages carry it on).</summary>
    protected string? TraceParent { get; } = WorkMessage.TryParse(received.Body)?.TraceParent;

    /// <summary>This attempt's span and metrics.</summary>
    protected AttemptTelemetry Telemetry { get; private set; } = null!;

    /// <summary>Starts this attempt's span (a child of <see cref="TraceParent"/>).</summary>
    protected abstract AttemptTelemetry StartTelemetry();

    /// <summary>State documents of the entities this message names.</summary>
    protected abstract IReadOnlyList<string> StatePaths { get; }

    /// <summary>Does the work for the claimed entities (indexes into <see cref="StatePaths"/>); returns each one's result.</summary>
    protected abstract Task<IReadOnlyList<JsonObject?>> WorkAsync(IReadOnlyList<int> claimed, CancellationToken cancel);

    /// <summary>After completion: enqueue follow-up work.</summary>
    protected abstract Task AfterCompletionAsync(IReadOnlyList<int> claimed, CancellationToken cancel);

    /// <summary>Tells the observer how the attempt ended.</summary>
    protected abstract void Finished(string? failure);

    public async Task RunAsync(CancellationToken stop)
    {
        using var telemetry = Telemetry = StartTelemetry();
        var message = received;
        var claimed = new List<int>();
        for (int i = 0; i < StatePaths.Count; i++)
        {
            if (await Entities.UpdateAsync(StatePaths[i], s => Lifecycle.Claim(s, Owner, Entities.Now, Lease), stop).ConfigureAwait(false) is { } state)
            {
                claimed.Add(i);
                telemetry.Claimed(state);
            }
        }
        if (claimed.Count == 0)
        {
            telemetry.Duplicate();
            // finished, failed or held by another worker: this delivery is a duplicate
            await queue.DeleteAsync(message, stop).ConfigureAwait(false);
            return;
        }
        var paths = claimed.Select(i => StatePaths[i]).ToArray();
        message = await HideForLeaseAsync(message, stop).ConfigureAwait(false);
        var keeper = new LeaseKeeper(Entities, queue, message, paths, Owner, Lease, Worker.CountRenewal, stop);
        await using (keeper.ConfigureAwait(false))
        {
            try
            {
                var results = await WorkAsync(claimed, keeper.Token).ConfigureAwait(false);
                for (int c = 0; c < claimed.Count; c++)
                    await Entities.UpdateAsync(paths[c], s => Lifecycle.Complete(s, Owner, Entities.Now, results[c]), stop).ConfigureAwait(false);
                await AfterCompletionAsync(claimed, stop).ConfigureAwait(false);
                telemetry.Completed(claimed.Count);
                Finished(null);
            }
            catch (Exception e) when ((e is OperationCanceledException && keeper.Lost) || e is ClaimLostException)
            {
                telemetry.Stopped("abandoned");
                Finished("abandoned: another worker took the claim over");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                telemetry.Stopped("interrupted");
                await ReleaseAsync(paths, keeper.Message).ConfigureAwait(false);
                Finished("interrupted: the worker is stopping");
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                telemetry.Failed(e, paths.Length);
                await FailAsync(paths, keeper, message, Worker.Describe(e), stop).ConfigureAwait(false);
                return;
            }
        }
        await queue.DeleteAsync(keeper.Message, stop).ConfigureAwait(false);
    }

    private async Task FailAsync(string[] paths, LeaseKeeper keeper, QueueMessage message, string error, CancellationToken stop)
    {
        int retry = 0, failures = 0;
        foreach (string path in paths)
        {
            var s = await Entities.UpdateAsync(path, st => Lifecycle.Fail(st, Owner, error, Plan.Document.MaxFailures), stop).ConfigureAwait(false);
            if (s is { IsTerminal: false })
            {
                retry++;
                failures = Math.Max(failures, s.Failures);
            }
        }
        Finished(error);
        if (retry == 0)
        {
            await queue.DeleteAsync(keeper.Message, stop).ConfigureAwait(false);
            return;
        }
        // the same message comes back after a backoff that doubles with each failure
        var backoff = Worker.Options.RetryBackoff * Math.Pow(2, Math.Min(failures - 1, 10));
        try
        {
            await queue.ExtendAsync(keeper.Message, backoff, stop).ConfigureAwait(false);
        }
        catch (QueueReceiptException)
        {
            // redelivered to a worker that saw the work leased and dropped it: send the retry afresh (duplicates are harmless)
            await queue.SendAsync(message.Body, backoff, stop).ConfigureAwait(false);
        }
    }

    // a worker stopping on purpose hands its work back at once (from its last checkpoint) instead of letting the lease lapse;
    // best effort: if this fails the lease lapses and the reconciler re-enqueues
    private async Task ReleaseAsync(string[] paths, QueueMessage message)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            foreach (string path in paths)
                await Entities.UpdateAsync(path, s => Lifecycle.Release(s, Owner), grace.Token).ConfigureAwait(false);
            await queue.ExtendAsync(message, TimeSpan.Zero, grace.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or QueueReceiptException or IOException)
        {
            Worker.Observer.Log($"{Owner}: could not hand back its work while stopping ({e.Message}); its lease will lapse instead");
        }
    }

    // the message was received hidden for a default time; hide it for a whole lease at once, so it cannot reappear
    // (and be dropped as a duplicate by another worker) before the first heartbeat
    private async Task<QueueMessage> HideForLeaseAsync(QueueMessage received, CancellationToken stop)
    {
        try
        {
            return await queue.ExtendAsync(received, Lease, stop).ConfigureAwait(false);
        }
        catch (QueueReceiptException)
        {
            return received;
        }
    }
}
