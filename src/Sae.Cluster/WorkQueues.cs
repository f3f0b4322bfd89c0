namespace Sae.Cluster;

/// <summary>The two queues of the design: train (GPU-capable workers) and compare (any worker).</summary>
public sealed record WorkQueues(IWorkQueue Train, IWorkQueue Compare)
{
    /// <summary>In-process queues for the embedded runtime.</summary>
    public static WorkQueues InMemory(TimeProvider? time = null) =>
        new(new InMemoryWorkQueue(WorkMessage.Train, time), new InMemoryWorkQueue(WorkMessage.Compare, time));

    /// <summary>The queue a message kind goes to.</summary>
    public IWorkQueue For(string kind) => kind == WorkMessage.Compare ? Compare : Train;

    /// <summary>Enqueues a message on its kind's queue.</summary>
    public Task SendAsync(WorkMessage message, TimeSpan delay = default, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return For(message.Kind).SendAsync(message.ToJson(), delay, cancel);
    }
}
