namespace Sae.Cluster;

/// <summary>How one worker runs.</summary>
/// <param name="Name">The worker's identity (the owner written into claims); unique per worker.</param>
/// <param name="Threads">Threads for its kernels.</param>
/// <param name="WorkDirectory">Scratch space (training directories, downloaded shards and SAEs).</param>
/// <param name="Queues">Which queues it serves ("train", "compare").</param>
public sealed record WorkerOptions(string Name, int Threads, string WorkDirectory, IReadOnlySet<string> Queues)
{
    /// <summary>Longest wait between polls of empty queues.</summary>
    public TimeSpan MaxPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Delay before a failed entity's message reappears (doubles with each failure).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Size bound of the local shard cache (remote stores only).</summary>
    public long CacheLimitBytes { get; init; } = 20L << 30;

    /// <summary>Both queues.</summary>
    public static IReadOnlySet<string> AllQueues { get; } = new HashSet<string> { WorkMessage.Train, WorkMessage.Compare };
}
