using System.Text.Json.Nodes;

namespace Sae.Cluster.Tests;

public class LifecycleTests
{
    private static readonly DateTimeOffset T0 = ManualTime.Start;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static WorkState Run() => Lifecycle.New("run");

    private static WorkState Claimed(string owner = "w1", string kind = "run") =>
        Lifecycle.Claim(Lifecycle.New(kind), owner, T0, Lease) ?? throw new InvalidOperationException("claim of a new entity refused");

    [Fact]
    public void New_Run_IsPendingVersionZeroNoHistory()
    {
        var s = Lifecycle.New("run");
        Assert.Equal(("run", Lifecycle.Pending, 0L, 0, 0), (s.Kind, s.Status, s.Version, s.Attempts, s.Failures));
        Assert.Empty(s.History);
        Assert.False(s.IsTerminal);
    }

    [Fact]
    public void New_Comparison_IsWaiting() =>
        Assert.Equal(Lifecycle.Waiting, Lifecycle.New("comparison").Status);

    [Theory]
    [InlineData("run", Lifecycle.Training)]
    [InlineData("comparison", Lifecycle.Running)]
    public void Claim_Idle_ActiveWithOwnerLeaseAndOpenAttempt(string kind, string active)
    {
        var idle = Lifecycle.New(kind) with { CheckpointStep = 40 };
        var s = Lifecycle.Claim(idle, "w1", T0, Lease);
        Assert.NotNull(s);
        Assert.Equal(active, s.Status);
        Assert.Equal(1, s.Attempts);
        Assert.Equal(idle.Version + 1, s.Version);
        Assert.Equal("w1", s.Owner);
        Assert.Equal(T0 + Lease, s.LeaseUntil);
        var record = Assert.Single(s.History);
        Assert.Equal(new AttemptRecord(1, "w1", T0, 40, null), record);
        Assert.True(Lifecycle.IsLeased(s, T0));
    }

    [Theory]
    [InlineData(Lifecycle.Completed)]
    [InlineData(Lifecycle.Failed)]
    public void Claim_Terminal_Null(string status) =>
        Assert.Null(Lifecycle.Claim(Run() with { Status = status }, "w1", T0, Lease));

    [Fact]
    public void Claim_LeasedByAnotherOwner_Null() =>
        Assert.Null(Lifecycle.Claim(Claimed("w1"), "w2", T0 + Lease - TimeSpan.FromTicks(1), Lease));

    [Fact]
    public void Claim_LeasedBySameOwner_AllowedAsDuplicateDelivery()
    {
        var first = Claimed("w1");
        var s = Lifecycle.Claim(first, "w1", T0 + TimeSpan.FromSeconds(1), Lease);
        Assert.NotNull(s);
        Assert.Equal(2, s.Attempts);
        Assert.Equal(first.Version + 1, s.Version);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1) + Lease, s.LeaseUntil);
        Assert.Equal(2, s.History.Count);
        Assert.NotNull(s.History[0].Outcome);
        Assert.Null(s.History[1].Outcome);
    }

    [Fact]
    public void Claim_LeaseLapsed_AnotherOwnerTakesItAndPreviousAttemptClosed()
    {
        var first = Claimed("w1");
        var at = T0 + Lease; // LeaseUntil == now counts as lapsed
        var s = Lifecycle.Claim(first, "w2", at, Lease);
        Assert.NotNull(s);
        Assert.Equal(("w2", 2, at + Lease), (s.Owner, s.Attempts, s.LeaseUntil));
        Assert.Equal("lease expired", s.History[0].Outcome);
        Assert.Equal(new AttemptRecord(2, "w2", at, 0, null), s.History[1]);
    }

    [Fact]
    public void Claim_AtMaxAttempts_FailedWithReasonAndNoOwner()
    {
        var worn = Run() with { Attempts = Lifecycle.MaxAttempts, Error = "boom", Version = 7 };
        var s = Lifecycle.Claim(worn, "w1", T0, Lease);
        Assert.NotNull(s);
        Assert.Equal(Lifecycle.Failed, s.Status);
        Assert.True(s.IsTerminal);
        Assert.Equal(8, s.Version);
        Assert.Null(s.Owner);
        Assert.Null(s.LeaseUntil);
        Assert.Equal(Lifecycle.MaxAttempts, s.Attempts);
        Assert.Contains($"claimed {Lifecycle.MaxAttempts} times", s.Error, StringComparison.Ordinal);
        Assert.Contains("last error: boom", s.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_BelowMaxAttempts_StillClaims() =>
        Assert.Equal(Lifecycle.Training, Lifecycle.Claim(Run() with { Attempts = Lifecycle.MaxAttempts - 1 }, "w1", T0, Lease)?.Status);

    [Fact]
    public void Renew_Owner_ExtendsLeaseFromNow()
    {
        var s = Claimed();
        var later = T0 + TimeSpan.FromSeconds(20);
        var r = Lifecycle.Renew(s, "w1", later, Lease);
        Assert.NotNull(r);
        Assert.Equal(later + Lease, r.LeaseUntil);
        Assert.Equal(s.Version + 1, r.Version);
        Assert.Equal(s.History, r.History);
    }

    [Fact]
    public void Renew_OtherOwner_Null() => Assert.Null(Lifecycle.Renew(Claimed("w1"), "w2", T0, Lease));

    [Fact]
    public void Renew_Idle_Null() => Assert.Null(Lifecycle.Renew(Run(), "w1", T0, Lease));

    [Fact]
    public void Checkpoint_Owner_KeepsLargestStepAndRenews()
    {
        var s = Lifecycle.Checkpoint(Claimed(), "w1", 10, T0 + TimeSpan.FromSeconds(5), Lease);
        Assert.NotNull(s);
        Assert.Equal((10L, T0 + TimeSpan.FromSeconds(5) + Lease), (s.CheckpointStep, s.LeaseUntil));
        var older = Lifecycle.Checkpoint(s, "w1", 5, T0 + TimeSpan.FromSeconds(6), Lease);
        Assert.NotNull(older);
        Assert.Equal(10, older.CheckpointStep);
        Assert.Equal(T0 + TimeSpan.FromSeconds(6) + Lease, older.LeaseUntil);
        Assert.Equal(s.Version + 1, older.Version);
    }

    [Fact]
    public void Checkpoint_NotOwner_Null() => Assert.Null(Lifecycle.Checkpoint(Claimed("w1"), "w2", 10, T0, Lease));

    [Fact]
    public void Resumed_Owner_RecordsStepInOpenAttemptOnly()
    {
        var lapsed = Lifecycle.Claim(Claimed("w1"), "w2", T0 + Lease, Lease)!;
        var s = Lifecycle.Resumed(lapsed, "w2", 15);
        Assert.NotNull(s);
        Assert.Equal(0, s.History[0].ResumedFromStep);
        Assert.Equal(15, s.History[1].ResumedFromStep);
        Assert.Equal(lapsed.Version + 1, s.Version);
    }

    [Fact]
    public void Resumed_NotOwner_Null() => Assert.Null(Lifecycle.Resumed(Claimed("w1"), "w2", 15));

    [Fact]
    public void Complete_Owner_CompletedWithResultAndNoClaim()
    {
        var result = new JsonObject { ["fvu"] = 0.25 };
        var claimed = Claimed();
        var done = T0 + TimeSpan.FromSeconds(9);
        var s = Lifecycle.Complete(claimed, "w1", done, result);
        Assert.NotNull(s);
        Assert.Equal(Lifecycle.Completed, s.Status);
        Assert.True(s.IsTerminal);
        Assert.Equal(claimed.Version + 1, s.Version);
        Assert.Null(s.Owner);
        Assert.Null(s.LeaseUntil);
        Assert.Equal(done, s.CompletedAt);
        Assert.Equal(0.25, s.Result!["fvu"]!.GetValue<double>());
        Assert.Equal("completed", Assert.Single(s.History).Outcome);
    }

    [Fact]
    public void Reopen_Completed_IdleWithoutResultAndAttemptMarkedLost()
    {
        var done = Lifecycle.Complete(Claimed(), "w1", T0, new JsonObject { ["fvu"] = 0.25 })!;
        var s = Lifecycle.Reopen(done, "sweeps/x/runs/r/final/cfg.json");
        Assert.NotNull(s);
        Assert.Equal((Lifecycle.Pending, done.Version + 1), (s.Status, s.Version));
        Assert.Null(s.Result);
        Assert.Null(s.CompletedAt);
        Assert.Contains("sweeps/x/runs/r/final/cfg.json", s.Error, StringComparison.Ordinal);
        Assert.Equal("completed, outputs lost", Assert.Single(s.History).Outcome);
        // it can be claimed again, as attempt 2
        Assert.Equal(2, Lifecycle.Claim(s, "w2", T0, Lease)!.Attempts);
    }

    [Fact]
    public void Reopen_Active_Null() => Assert.Null(Lifecycle.Reopen(Claimed(), "x"));

    [Fact]
    public void Complete_NotOwner_Null() => Assert.Null(Lifecycle.Complete(Claimed("w1"), "w2", T0, null));

    [Fact]
    public void Complete_Idle_Null() => Assert.Null(Lifecycle.Complete(Run(), "w1", T0, null));

    [Fact]
    public void Fail_BelowMax_IdleAgainWithErrorAndClosedAttempt()
    {
        var claimed = Claimed();
        var s = Lifecycle.Fail(claimed, "w1", "disk full", maxFailures: 3);
        Assert.NotNull(s);
        Assert.Equal(Lifecycle.Pending, s.Status);
        Assert.Equal((1, "disk full", claimed.Version + 1), (s.Failures, s.Error, s.Version));
        Assert.Null(s.Owner);
        Assert.Null(s.LeaseUntil);
        Assert.Equal("failed: disk full", Assert.Single(s.History).Outcome);
        // it can be claimed again for the retry
        Assert.NotNull(Lifecycle.Claim(s, "w2", T0, Lease));
    }

    [Fact]
    public void Fail_Comparison_BackToWaiting() =>
        Assert.Equal(Lifecycle.Waiting, Lifecycle.Fail(Claimed("w1", "comparison"), "w1", "x", 3)?.Status);

    [Fact]
    public void Fail_AtMaxFailures_FailedWithCountAndLastReason()
    {
        var s = Run();
        for (int i = 1; i <= 3; i++)
        {
            s = Lifecycle.Claim(s, "w1", T0, Lease)!;
            s = Lifecycle.Fail(s, "w1", $"error {i}", maxFailures: 3)!;
        }
        Assert.Equal(Lifecycle.Failed, s.Status);
        Assert.Equal(3, s.Failures);
        Assert.Equal("failed 3 times; last: error 3", s.Error);
        Assert.Equal(["failed: error 1", "failed: error 2", "failed: error 3"], s.History.Select(a => a.Outcome));
        Assert.Null(Lifecycle.Claim(s, "w1", T0, Lease));
    }

    [Fact]
    public void Fail_NotOwner_Null() => Assert.Null(Lifecycle.Fail(Claimed("w1"), "w2", "x", 3));

    [Fact]
    public void Expire_Lapsed_IdleWithAttemptClosed()
    {
        var claimed = Claimed();
        var s = Lifecycle.Expire(claimed, T0 + Lease, takeOver: false);
        Assert.NotNull(s);
        Assert.Equal(Lifecycle.Pending, s.Status);
        Assert.Null(s.Owner);
        Assert.Null(s.LeaseUntil);
        Assert.Equal(claimed.Version + 1, s.Version);
        Assert.Equal("lease expired", Assert.Single(s.History).Outcome);
        Assert.Equal(1, s.Attempts);
    }

    [Fact]
    public void Expire_NotLapsed_Null() =>
        Assert.Null(Lifecycle.Expire(Claimed(), T0 + Lease - TimeSpan.FromTicks(1), takeOver: false));

    [Fact]
    public void Expire_NotLapsedTakeOver_IdleMarkedTakenOver()
    {
        var s = Lifecycle.Expire(Claimed(), T0, takeOver: true);
        Assert.Equal(Lifecycle.Pending, s?.Status);
        Assert.Equal("taken over", Assert.Single(s!.History).Outcome);
    }

    [Theory]
    [InlineData(Lifecycle.Pending)]
    [InlineData(Lifecycle.Completed)]
    [InlineData(Lifecycle.Failed)]
    public void Expire_NotActive_Null(string status) =>
        Assert.Null(Lifecycle.Expire(Run() with { Status = status }, T0 + TimeSpan.FromDays(1), takeOver: true));

    [Fact]
    public void Cancel_Idle_FailedWithReason()
    {
        var s = Lifecycle.Cancel(Lifecycle.New("comparison"), "a run it compares failed (r1)");
        Assert.NotNull(s);
        Assert.Equal((Lifecycle.Failed, "a run it compares failed (r1)", 1L), (s.Status, s.Error, s.Version));
    }

    [Theory]
    [InlineData(Lifecycle.Running)]
    [InlineData(Lifecycle.Completed)]
    [InlineData(Lifecycle.Failed)]
    public void Cancel_NotIdle_Null(string status) =>
        Assert.Null(Lifecycle.Cancel(Lifecycle.New("comparison") with { Status = status }, "x"));

    [Fact]
    public void Transitions_FullRunWithRetry_VersionGrowsByOneEachStep()
    {
        var s = Run();
        var steps = new List<Func<WorkState, WorkState?>>
        {
            x => Lifecycle.Claim(x, "w1", T0, Lease),
            x => Lifecycle.Resumed(x, "w1", 0),
            x => Lifecycle.Checkpoint(x, "w1", 5, T0, Lease),
            x => Lifecycle.Renew(x, "w1", T0, Lease),
            x => Lifecycle.Fail(x, "w1", "oops", 3),
            x => Lifecycle.Claim(x, "w2", T0, Lease),
            x => Lifecycle.Expire(x, T0 + Lease, takeOver: false),
            x => Lifecycle.Claim(x, "w3", T0 + Lease, Lease),
            x => Lifecycle.Complete(x, "w3", T0 + Lease, null),
        };
        foreach (var step in steps)
        {
            var next = step(s);
            Assert.NotNull(next);
            Assert.Equal(s.Version + 1, next.Version);
            s = next;
        }
        Assert.Equal(Lifecycle.Completed, s.Status);
        Assert.Equal(3, s.Attempts);
        Assert.Equal(["failed: oops", "lease expired", "completed"], s.History.Select(a => a.Outcome));
        Assert.Equal(5, s.History[2].ResumedFromStep);
    }

    [Fact]
    public void Parse_ToBytesRoundTrip_SameState()
    {
        var s = Lifecycle.Complete(Claimed(), "w1", T0, new JsonObject { ["l0"] = 2.0 })!;
        var back = WorkState.Parse(s.ToBytes(), "test");
        Assert.Equal(s.ToBytes(), back.ToBytes());
        Assert.Equal((s.Status, s.Version, s.CompletedAt), (back.Status, back.Version, back.CompletedAt));
    }
}
