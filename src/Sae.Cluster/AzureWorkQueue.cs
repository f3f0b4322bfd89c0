using Azure;
using Azure.Storage.Queues;

namespace Sae.Cluster;

/// <summary>
/// The queue port on an Azure Storage queue: visibility timeouts, pop receipts and dequeue counts are the
/// service's own. Messages never expire (work waits as long as the sweep does). Calls run through
/// <see cref="StorageResilience.Pipeline"/>.
/// </summary>
public sealed class AzureWorkQueue(QueueClient queue, string kind) : IWorkQueue
{
    /// <summary>The Azure queue.</summary>
    public QueueClient Queue { get; } = queue;

    /// <inheritdoc/>
    public string Name { get; } = kind;

    /// <inheritdoc/>
    public async Task SendAsync(string body, TimeSpan delay = default, CancellationToken cancel = default) =>
        await StorageResilience.Pipeline.ExecuteAsync(async ct =>
            await Queue.SendMessageAsync(body, delay, TimeSpan.FromSeconds(-1), ct).ConfigureAwait(false), cancel).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancel = default)
    {
        var result = await StorageResilience.Pipeline.ExecuteAsync(async ct =>
            await Queue.ReceiveMessageAsync(visibility, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
        var m = result.Value;
        return m is null ? null : new QueueMessage(m.MessageId, m.PopReceipt, m.DequeueCount, m.MessageText);
    }

    /// <inheritdoc/>
    public async Task<QueueMessage> ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var receipt = await StorageResilience.Pipeline.ExecuteAsync(async ct =>
                await Queue.UpdateMessageAsync(message.Id, message.Receipt, visibilityTimeout: visibility, cancellationToken: ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            return message with { Receipt = receipt.Value.PopReceipt };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            throw new QueueReceiptException(Name, message.Id);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(QueueMessage message, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await StorageResilience.Pipeline.ExecuteAsync(async ct =>
                await Queue.DeleteMessageAsync(message.Id, message.Receipt, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // already deleted, or received again by someone else: nothing to do
        }
    }

    /// <inheritdoc/>
    public async Task<int> CountAsync(CancellationToken cancel = default)
    {
        var properties = await StorageResilience.Pipeline.ExecuteAsync(async ct =>
            await Queue.GetPropertiesAsync(ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
        return properties.Value.ApproximateMessagesCount;
    }
}
