using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sae.Cluster.Tests;

/// <summary>
/// Listens to the product's ActivitySource and keeps every ended span. A listener is process-wide, so tests using one
/// run in <see cref="ListeningTests"/>, alone: other tests would otherwise see spans (and trace context in messages) appear.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClusterNames.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Spans => _spans.ToArray();

    public void Dispose() => _listener.Dispose();
}

/// <summary>Tests that listen to spans: run alone (see <see cref="SpanRecorder"/>).</summary>
[CollectionDefinition(nameof(ListeningTests), DisableParallelization = true)]
public sealed class ListeningTests;
