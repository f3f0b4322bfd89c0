using System.Text.Json.Nodes;

namespace Sae.Cluster;

/// <summary>
/// The state machine of Runs and Comparisons as pure functions of (state, worker, now): each returns the next
/// state, or null when the transition does not apply (and nothing must be written). EntityStore applies them by
/// compare-and-swap, retrying on a stale ETag; the unit tests drive every transition here.
/// </summary>
public static class Lifecycle
{
    /// <summary>Run: not started or waiting for a retry.</summary>
    public const string Pending = "Pending";

    /// <summary>Run: claimed by a worker.</summary>
    public const string Training = "Training";

    /// <summary>Comparison: waiting for its runs or a worker.</summary>
    public const string Waiting = "Waiting";

    /// <summary>Comparison: claimed by a worker.</summary>
    public const string Running = "Running";

    /// <summary>Done; outputs are at their fixed paths.</summary>
    public const string Completed = "Completed";

    /// <summary>Given up after the allowed failures; the reason is in Error.</summary>
    public const string Failed = "Failed";

    /// <summary>Claims beyond this many without finishing (crash loops) fail the entity too.</summary>
    public const int MaxAttempts = 50;

    /// <summary>The initial state of a run or comparison.</summary>
    public static WorkState New(string kind) => new() { Kind = kind, Status = kind == "run" ? Pending : Waiting };

    /// <summary>The waiting status of a kind (Pending / Waiting).</summary>
    public static string Idle(string kind) => kind == "run" ? Pending : Waiting;

    /// <summary>The active status of a kind (Training / Running).</summary>
    public static string Active(string kind) => kind == "run" ? Training : Running;

    /// <summary>Whether the entity is claimed and its lease has not lapsed at <paramref name="now"/>.</summary>
    public static bool IsLeased(WorkState s, DateTimeOffset now) => s.Status == Active(s.Kind) && s.LeaseUntil > now;

    /// <summary>
    /// A worker claims the entity: allowed when it is idle, or active with a lapsed lease, or already held by the
    /// same worker (a duplicate message). Not allowed (null) when it is finished or leased by another worker.
    /// Too many claims without finishing turn it Failed.
    /// </summary>
    public static WorkState? Claim(WorkState s, string owner, DateTimeOffset now, TimeSpan lease)
    {
        if (s.IsTerminal || (IsLeased(s, now) && s.Owner != owner))
            return null;
        if (s.Attempts >= MaxAttempts)
            return s with { Status = Failed, Version = s.Version + 1, Owner = null, LeaseUntil = null, History = CloseOpenAttempt(s.History, "gave up"), Error = $"claimed {s.Attempts} times without finishing (workers keep dying?); last error: {s.Error ?? "none"}" };
        var history = CloseOpenAttempt(s.History, s.Owner == owner ? "redelivered to the same worker" : "lease expired").Append(new AttemptRecord(s.Attempts + 1, owner, now, s.CheckpointStep, null)).ToArray();
        return s with { Status = Active(s.Kind), Version = s.Version + 1, Attempts = s.Attempts + 1, Owner = owner, LeaseUntil = now + lease, History = history };
    }

    /// <summary>Heartbeat: extends the owner's lease; null when the claim was lost (another owner, finished, or released).</summary>
    public static WorkState? Renew(WorkState s, string owner, DateTimeOffset now, TimeSpan lease) =>
        Holds(s, owner) ? s with { Version = s.Version + 1, LeaseUntil = now + lease } : null;

    /// <summary>A run's checkpoint at <paramref name="step"/> is stored; also renews the lease. Null when the claim was lost.</summary>
    public static WorkState? Checkpoint(WorkState s, string owner, long step, DateTimeOffset now, TimeSpan lease) =>
        Holds(s, owner)
            ? s with
            {
                Version = s.Version + 1,
                CheckpointStep = Math.Max(s.CheckpointStep, step),
                LeaseUntil = now + lease,
                History = s.History.Select((a, i) => i == s.History.Count - 1 ? a with { LastCheckpoint = Math.Max(a.LastCheckpoint, step) } : a).ToArray(),
            }
            : null;

    /// <summary>The owner restored its latest stored checkpoint (<paramref name="step"/>; 0 = fresh start): recorded in the open attempt. Null when the claim was lost.</summary>
    public static WorkState? Resumed(WorkState s, string owner, long step) =>
        Holds(s, owner) && s.History.Count > 0
            ? s with { Version = s.Version + 1, History = s.History.Select((a, i) => i == s.History.Count - 1 ? a with { ResumedFromStep = step } : a).ToArray() }
            : null;

    /// <summary>The owner finished and its outputs are stored. Null when the claim was lost (the outputs are identical anyway).</summary>
    public static WorkState? Complete(WorkState s, string owner, DateTimeOffset now, JsonObject? result) =>
        Holds(s, owner)
            ? s with { Status = Completed, Version = s.Version + 1, Owner = null, LeaseUntil = null, CompletedAt = now, Result = result, History = CloseOpenAttempt(s.History, "completed") }
            : null;

    /// <summary>
    /// The owner's attempt threw: back to idle for a retry, or Failed with the reason once
    /// <paramref name="maxFailures"/> attempts have failed. Null when the claim was lost.
    /// </summary>
    public static WorkState? Fail(WorkState s, string owner, string error, int maxFailures)
    {
        if (!Holds(s, owner))
            return null;
        int failures = s.Failures + 1;
        bool giveUp = failures >= maxFailures;
        return s with
        {
            Status = giveUp ? Failed : Idle(s.Kind),
            Version = s.Version + 1,
            Failures = failures,
            Owner = null,
            LeaseUntil = null,
            Error = giveUp ? $"failed {failures} times; last: {error}" : error,
            History = CloseOpenAttempt(s.History, $"failed: {error}"),
        };
    }

    /// <summary>
    /// Reconciliation: an active entity whose lease lapsed (or every active one, when <paramref name="takeOver"/>: the
    /// embedded runtime restarting on a store only it uses) goes back to idle so it can be enqueued again. Null otherwise.
    /// </summary>
    public static WorkState? Expire(WorkState s, DateTimeOffset now, bool takeOver) =>
        s.Status == Active(s.Kind) && (takeOver || !(s.LeaseUntil > now))
            ? s with { Status = Idle(s.Kind), Version = s.Version + 1, Owner = null, LeaseUntil = null, History = CloseOpenAttempt(s.History, takeOver ? "taken over" : "lease expired") }
            : null;

    /// <summary>The owner stops on purpose (a worker shutting down): back to idle at once, so another worker need not wait for the lease. Null when not held.</summary>
    public static WorkState? Release(WorkState s, string owner) =>
        Holds(s, owner)
            ? s with { Status = Idle(s.Kind), Version = s.Version + 1, Owner = null, LeaseUntil = null, History = CloseOpenAttempt(s.History, "released (worker stopping)") }
            : null;

    /// <summary>Idle work that can never run (a comparison whose run Failed) becomes Failed with <paramref name="reason"/>; null otherwise.</summary>
    public static WorkState? Cancel(WorkState s, string reason) =>
        s.Status == Idle(s.Kind) ? s with { Status = Failed, Version = s.Version + 1, Error = reason } : null;

    /// <summary>
    /// Finished work whose outputs are gone from the store (<paramref name="missing"/>: a storage rollback or restore, an
    /// emulator killed before it saved) is done again: back to idle, its completing attempt marked as having lost its
    /// outputs. A Failed comparison reopens too (it may have failed on a run's missing SAE), with its failures reset.
    /// Null when it is not finished.
    /// </summary>
    public static WorkState? Reopen(WorkState s, string missing) =>
        s.IsTerminal
            ? s with
            {
                Status = Idle(s.Kind),
                Version = s.Version + 1,
                Failures = 0,
                CompletedAt = null,
                Result = null,
                Error = $"outputs missing from the store ({missing}): done again",
                History = s.History.Select(a => a.Outcome == "completed" ? a with { Outcome = "completed, outputs lost" } : a).ToArray(),
            }
            : null;

    private static bool Holds(WorkState s, string owner) => s.Status == Active(s.Kind) && s.Owner == owner;

    private static AttemptRecord[] CloseOpenAttempt(IReadOnlyList<AttemptRecord> history, string outcome) =>
        history.Select((a, i) => i == history.Count - 1 && a.Outcome is null ? a with { Outcome = outcome } : a).ToArray();
}
