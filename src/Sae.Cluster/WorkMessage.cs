using System.Text.Json;

namespace Sae.Cluster;

/// <summary>
/// A queue message: it names an entity (a training job of a sweep, or a comparison) and carries the W3C trace
/// context of whoever enqueued it. It holds no state — the entity's state document is the truth.
/// </summary>
/// <param name="Kind">"train" or "compare" (also the queue's name).</param>
/// <param name="Sweep">The sweep id.</param>
/// <param name="Id">The job id (train) or comparison id (compare).</param>
/// <param name="TraceParent">W3C traceparent of the enqueuer, or null.</param>
public sealed record WorkMessage(string Kind, string Sweep, string Id, string? TraceParent = null)
{
    /// <summary>Training queue name.</summary>
    public const string Train = "train";

    /// <summary>Comparison queue name.</summary>
    public const string Compare = "compare";

    /// <summary>JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SweepDocument.Json);

    /// <summary>Parses a message body; null when it is not a work message (a poison message to drop).</summary>
    public static WorkMessage? TryParse(string body)
    {
        try
        {
            var m = JsonSerializer.Deserialize<WorkMessage>(body, SweepDocument.Json);
            return m is { Kind: Train or Compare } && !string.IsNullOrEmpty(m.Sweep) && !string.IsNullOrEmpty(m.Id) ? m : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
