using Azure;
using Polly;
using Polly.Retry;

namespace Sae.Cluster;

/// <summary>
/// Retries for Azure Storage calls on top of the SDK's own short retries: transient failures (no response,
/// 408, 429, 5xx, a refused or dropped connection) are retried with exponential backoff and jitter for about
/// half a minute — long enough to ride out a restarting storage emulator or a brief network partition.
/// Conditional-write failures (409/412) and 404s are answers, not faults, and are never retried here.
/// </summary>
public static class StorageResilience
{
    private static long _retries;

    /// <summary>Retries made so far (all stores of the process).</summary>
    public static long Retries => Interlocked.Read(ref _retries);

    /// <summary>The pipeline every Azure store and queue call runs through.</summary>
    public static ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RequestFailedException>(IsTransient).Handle<HttpRequestException>().Handle<IOException>()
                .Handle<TimeoutException>().Handle<AggregateException>(e => e.InnerExceptions.All(i => i is RequestFailedException r ? IsTransient(r) : i is HttpRequestException or IOException)),
            MaxRetryAttempts = 10,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            OnRetry = args =>
            {
                Interlocked.Increment(ref _retries);
                SaeTelemetry.CountStorageRetry(args.Outcome.Exception?.GetType().Name ?? "unknown");
                return default;
            },
        })
        .Build();

    /// <summary>Whether a storage error may go away by itself.</summary>
    public static bool IsTransient(RequestFailedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Status is 0 or 408 or 429 or >= 500;
    }
}
