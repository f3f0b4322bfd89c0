using System.Text.Json;
using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The state document of a Run or a Comparison (…/state.json), changed only by compare-and-swap through
/// <see cref="EntityStore"/> with the pure transitions of <see cref="Lifecycle"/>.
/// Run: Pending → Training → Completed | Failed. Comparison: Waiting → Running → Completed | Failed.
/// <see cref="Version"/> grows at every change, so a document's content (and so its ETag) never repeats.
/// </summary>
public sealed record WorkState
{
    /// <summary>"run" or "comparison".</summary>
    public required string Kind { get; init; }

    /// <summary>The lifecycle status (names depend on the kind; see <see cref="Lifecycle"/>).</summary>
    public required string Status { get; init; }

    /// <summary>Incremented by every transition.</summary>
    public long Version { get; init; }

    /// <summary>How many times a worker claimed it.</summary>
    public int Attempts { get; init; }

    /// <summary>How many attempts ended in an error (interruptions by crashes do not count).</summary>
    public int Failures { get; init; }

    /// <summary>The worker holding the claim, while active.</summary>
    public string? Owner { get; init; }

    /// <summary>When the claim lapses unless renewed by a heartbeat.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>The last checkpoint step stored for a run (0: none beyond the initial one).</summary>
    public long CheckpointStep { get; init; }

    /// <summary>The last error (kept after a retry succeeds, for the record).</summary>
    public string? Error { get; init; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>One record per claim.</summary>
    public IReadOnlyList<AttemptRecord> History { get; init; } = [];

    /// <summary>Outcome numbers (a run's final metrics, a comparison's summary); null until Completed.</summary>
    public JsonObject? Result { get; init; }

    /// <summary>Whether it is finished for good (Completed or Failed).</summary>
    public bool IsTerminal => Status is Lifecycle.Completed or Lifecycle.Failed;

    /// <summary>UTF-8 JSON.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, SweepDocument.Json);

    /// <summary>Parses a state document.</summary>
    /// <exception cref="SaeInputException">The document is not a state document (a damaged store): one line naming it.</exception>
    public static WorkState Parse(byte[] bytes, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkState>(bytes, SweepDocument.Json) ?? throw new SaeInputException($"{origin}: empty state document.");
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{origin}: not a valid state document ({e.Message.Split('\n')[0]}); the store is damaged.", e);
        }
    }
}

/// <summary>One claim of an entity by a worker.</summary>
/// <param name="Attempt">1, 2, …</param>
/// <param name="Owner">The worker.</param>
/// <param name="StartedAt">When it claimed.</param>
/// <param name="ResumedFromStep">The checkpoint step stored at claim time (runs).</param>
/// <param name="Outcome">null while running, then "completed", "failed: …", "lease expired", "taken over", "released (worker stopping)" or "completed, outputs lost" (the work was done again).</param>
/// <param name="LastCheckpoint">The last checkpoint step this attempt stored (a later attempt must resume at or after it).</param>
public sealed record AttemptRecord(int Attempt, string Owner, DateTimeOffset StartedAt, long ResumedFromStep, string? Outcome, long LastCheckpoint = 0);
