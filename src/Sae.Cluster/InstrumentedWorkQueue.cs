namespace Sae.Cluster;

/// <summary>
/// A work queue that traces every call of another one as a client span ("queue send", "queue receive", "queue extend",
/// "queue delete", "queue count", tagged sae.queue.name) and reports its depth on the sae.queue.depth gauge. A call is
/// traced inside the current product span; outside one, a send or a receive that got a message is traced in the trace
/// the message carries, and the rest (empty polls, counts) are not traced (see <see cref="ClientSpan"/>).
/// </summary>
internal sealed class InstrumentedWorkQueue : IWorkQueue
{
    private const string QueueTag = "sae.queue.name";

    /// <summary>Wraps <paramref name="inner"/>; its depth goes on the gauge (replacing an earlier queue of the same name).</summary>
    public InstrumentedWorkQueue(IWorkQueue inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        SaeTelemetry.TrackQueueDepth(inner);
    }

    /// <summary>The queue underneath.</summary>
    public IWorkQueue Inner { get; }

    /// <inheritdoc/>
    public string Name => Inner.Name;

    /// <summary>Both queues, instrumented.</summary>
    public static WorkQueues Wrap(WorkQueues queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return new WorkQueues(new InstrumentedWorkQueue(queues.Train), new InstrumentedWorkQueue(queues.Compare));
    }

    /// <inheritdoc/>
    public async Task SendAsync(string body, TimeSpan delay = default, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("queue send", QueueTag, Name, ClientSpan.ParentOf(body));
        span?.SetTag("sae.queue.delay_ms", (long)delay.TotalMilliseconds);
        try
        {
            await Inner.SendAsync(body, delay, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw; // not reached: the filter records the error and declines
        }
    }

    /// <inheritdoc/>
    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancel = default)
    {
        var started = DateTimeOffset.UtcNow;
        using var span = ClientSpan.Start("queue receive", QueueTag, Name);
        QueueMessage? message;
        try
        {
            message = await Inner.ReceiveAsync(visibility, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
        // outside a span the receive is traced only when it got a message, after the fact, in the sender's trace
        using var late = span is null && message is not null ? ClientSpan.Start("queue receive", QueueTag, Name, ClientSpan.ParentOf(message.Body), started) : null;
        (span ?? late)?.SetTag("sae.queue.message_id", message?.Id).SetTag("sae.queue.dequeue_count", message?.DequeueCount);
        return message;
    }

    /// <inheritdoc/>
    public async Task<QueueMessage> ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var span = ClientSpan.Start("queue extend", QueueTag, Name);
        span?.SetTag("sae.queue.message_id", message.Id);
        try
        {
            return await Inner.ExtendAsync(message, visibility, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(QueueMessage message, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var span = ClientSpan.Start("queue delete", QueueTag, Name);
        span?.SetTag("sae.queue.message_id", message.Id);
        try
        {
            await Inner.DeleteAsync(message, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<int> CountAsync(CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("queue count", QueueTag, Name);
        try
        {
            int count = await Inner.CountAsync(cancel).ConfigureAwait(false);
            span?.SetTag("sae.queue.count", count);
            return count;
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }
}
