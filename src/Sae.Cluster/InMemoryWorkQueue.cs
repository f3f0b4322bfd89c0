namespace Sae.Cluster;

/// <summary>
/// The in-process queue of the embedded runtime: the same visibility-timeout and receipt rules as an Azure
/// Storage queue, on a list guarded by a lock, with time from a <see cref="TimeProvider"/> (tests move it by hand).
/// Messages live only as long as the process; the embedded runtime rebuilds them from stored state at start.
/// </summary>
public sealed class InMemoryWorkQueue(string name, TimeProvider? time = null) : IWorkQueue
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly List<Entry> _messages = [];
    private readonly Lock _gate = new();
    private long _nextId;

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public Task SendAsync(string body, TimeSpan delay = default, CancellationToken cancel = default)
    {
        lock (_gate)
            _messages.Add(new Entry($"{Name}-{++_nextId}", body) { VisibleAt = _time.GetUtcNow() + delay });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<QueueMessage?> ReceiveAsync(TimeSpan visibility, CancellationToken cancel = default)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var entry = _messages.FirstOrDefault(m => m.VisibleAt <= now);
            if (entry is null)
                return Task.FromResult<QueueMessage?>(null);
            // the message goes to the back, like a queue: the next visible one is served first
            _messages.Remove(entry);
            _messages.Add(entry);
            entry.VisibleAt = now + visibility;
            entry.DequeueCount++;
            entry.Receipt = Guid.NewGuid().ToString("N");
            return Task.FromResult<QueueMessage?>(new QueueMessage(entry.Id, entry.Receipt, entry.DequeueCount, entry.Body));
        }
    }

    /// <inheritdoc/>
    public Task<QueueMessage> ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var entry = _messages.FirstOrDefault(m => m.Id == message.Id && m.Receipt == message.Receipt)
                ?? throw new QueueReceiptException(Name, message.Id);
            entry.VisibleAt = _time.GetUtcNow() + visibility;
            entry.Receipt = Guid.NewGuid().ToString("N");
            return Task.FromResult(message with { Receipt = entry.Receipt });
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(QueueMessage message, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
            _messages.RemoveAll(m => m.Id == message.Id && m.Receipt == message.Receipt);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<int> CountAsync(CancellationToken cancel = default)
    {
        lock (_gate)
            return Task.FromResult(_messages.Count);
    }

    private sealed class Entry(string id, string body)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public DateTimeOffset VisibleAt { get; set; }

        public long DequeueCount { get; set; }

        public string Receipt { get; set; } = "";
    }
}
