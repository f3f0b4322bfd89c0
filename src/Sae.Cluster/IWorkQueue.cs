namespace Sae.Cluster;

/// <summary>
/// The queue port (Azure Storage queue semantics): a received message becomes invisible for a visibility
/// timeout and reappears unless deleted with its current receipt; every receive increments its dequeue count.
/// The queue only delivers work — the stored entity state is the truth — so duplicates and losses are harmless.
/// Implemented in process (InMemoryWorkQueue) and, for the cluster, on Azure Storage queues.
/// </summary>
public interface IWorkQueue
{
    /// <summary>The queue's name ("train" or "compare").</summary>
    string Name { get; }

    /// <summary>Adds a message, visible after <paramref name="delay"/>.</summary>
    Task SendAsync(string body, TimeSpan delay = default, CancellationToken cancel = default);

    /// <summary>Takes the next visible message and hides it for <paramref name="visibility"/>; null when none is visible.</summary>
    Task<QueueMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancel = default);

    /// <summary>Hides a received message for another <paramref name="visibility"/> from now; returns it with its new receipt.</summary>
    /// <exception cref="QueueReceiptException">The receipt is stale: the message reappeared and someone else received it, or it was deleted.</exception>
    Task<QueueMessage> ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancel = default);

    /// <summary>Deletes a received message; a stale receipt or an already deleted message is not an error.</summary>
    Task DeleteAsync(QueueMessage message, CancellationToken cancel = default);

    /// <summary>Messages in the queue, visible or not (approximate for remote queues).</summary>
    Task<int> CountAsync(CancellationToken cancel = default);
}

/// <summary>A received message.</summary>
/// <param name="Id">The message id (stable across deliveries).</param>
/// <param name="Receipt">Proof of this delivery (pop receipt); changes at every receive and extension.</param>
/// <param name="DequeueCount">How many times the message has been received, this time included.</param>
/// <param name="Body">The message text (a WorkMessage as JSON).</param>
public sealed record QueueMessage(string Id, string Receipt, long DequeueCount, string Body);

/// <summary>A receipt no longer matches the message (it was received again or deleted).</summary>
public sealed class QueueReceiptException(string queue, string id)
    : Exception($"queue {queue}: message {id} was received again or deleted (stale receipt).");
