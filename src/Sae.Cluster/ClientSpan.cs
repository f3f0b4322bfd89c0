using System.Diagnostics;

namespace Sae.Cluster;

/// <summary>
/// Client spans of storage and queue calls (<see cref="InstrumentedBlobStore"/>, <see cref="InstrumentedWorkQueue"/>).
/// A call is traced only inside a product span (submit, run train, comparison) or, for a queue message, in the trace the
/// message carries: idle workers poll their queues and the embedded runtime reads every state document every 250 ms, and
/// each such call outside any span would become a one-span trace of its own.
/// </summary>
internal static class ClientSpan
{
    /// <summary>Starts a client span under the current span, else under <paramref name="parent"/>; null when there is neither.</summary>
    public static Activity? Start(string name, string tag, string value, ActivityContext parent = default, DateTimeOffset startTime = default)
    {
        if (Activity.Current is null && parent == default)
            return null;
        return SaeTelemetry.Source.StartActivity(name, ActivityKind.Client, Activity.Current is null ? parent : default,
            [new(tag, value)], startTime: startTime);
    }

    /// <summary>The trace context a queue message body carries (default when it is not a work message or carries none).</summary>
    public static ActivityContext ParentOf(string body) => SweepTrace.Parse(WorkMessage.TryParse(body)?.TraceParent);
}
