using System.Text.Json;

namespace Sae.Cluster;

/// <summary>
/// A queue kept as blobs in a store (queues/{name}/{id}.json), so separate `sae worker` processes sharing one
/// directory store can share work without Azure. Each message document holds its body, when it becomes visible,
/// its receipt and dequeue count; receiving and extending are compare-and-swap writes, so two processes never
/// receive the same delivery. Same rules as <see cref="IWorkQueue"/> says (Azure semantics).
/// </summary>
public sealed class FileWorkQueue(IBlobStore blobs, string name, TimeProvider? time = null) : IWorkQueue
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private string Prefix => $"queues/{Name}/";

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public async Task SendAsync(string body, TimeSpan delay = default, CancellationToken cancel = default)
    {
        // ids sort by send time, so receivers take older messages first
        string id = $"{_time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
        var doc = new Document(id, body, _time.GetUtcNow() + delay, "", 0);
        await blobs.WriteAsync(Prefix + id + ".json", doc.ToBytes(), BlobCondition.IfNotExists, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancel = default)
    {
        foreach (string path in await blobs.ListAsync(Prefix, cancel).ConfigureAwait(false))
        {
            var blob = await blobs.ReadAsync(path, cancel).ConfigureAwait(false);
            if (blob is null)
                continue;
            var doc = Document.Parse(blob.Content);
            var now = _time.GetUtcNow();
            if (doc.VisibleAt > now)
                continue;
            var taken = doc with { VisibleAt = now + visibility, Receipt = Guid.NewGuid().ToString("N"), DequeueCount = doc.DequeueCount + 1 };
            try
            {
                await blobs.WriteAsync(path, taken.ToBytes(), BlobCondition.IfMatch(blob.ETag), cancel).ConfigureAwait(false);
                return new QueueMessage(taken.Id, taken.Receipt, taken.DequeueCount, taken.Body);
            }
            catch (BlobConditionFailedException)
            {
                // another process took it first: try the next one
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public async Task<QueueMessage> ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        string path = Prefix + message.Id + ".json";
        var blob = await blobs.ReadAsync(path, cancel).ConfigureAwait(false);
        var doc = blob is null ? null : Document.Parse(blob.Content);
        if (doc is null || doc.Receipt != message.Receipt)
            throw new QueueReceiptException(Name, message.Id);
        var extended = doc with { VisibleAt = _time.GetUtcNow() + visibility, Receipt = Guid.NewGuid().ToString("N") };
        try
        {
            await blobs.WriteAsync(path, extended.ToBytes(), BlobCondition.IfMatch(blob!.ETag), cancel).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            throw new QueueReceiptException(Name, message.Id);
        }
        return message with { Receipt = extended.Receipt };
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(QueueMessage message, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        string path = Prefix + message.Id + ".json";
        var blob = await blobs.ReadAsync(path, cancel).ConfigureAwait(false);
        if (blob is not null && Document.Parse(blob.Content).Receipt == message.Receipt)
            await blobs.DeleteAsync(path, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> CountAsync(CancellationToken cancel = default) => (await blobs.ListAsync(Prefix, cancel).ConfigureAwait(false)).Count;

    private sealed record Document(string Id, string Body, DateTimeOffset VisibleAt, string Receipt, long DequeueCount)
    {
        public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, SweepDocument.Json);

        public static Document Parse(byte[] bytes) => JsonSerializer.Deserialize<Document>(bytes, SweepDocument.Json)!;
    }
}
