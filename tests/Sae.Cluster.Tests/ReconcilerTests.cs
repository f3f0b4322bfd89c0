namespace Sae.Cluster.Tests;

public sealed class ReconcilerTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly SweepRig _rig = new();
    private readonly Reconciler _reconciler;

    public ReconcilerTests() => _reconciler = new Reconciler(_rig.Entities, _rig.Queues);

    public void Dispose() => _rig.Dispose();

    private Task<WorkState?> UpdateRunAsync(SweepPlan plan, PlannedRun run, Func<WorkState, WorkState?> change) =>
        _rig.Entities.UpdateAsync(StoreLayout.RunState(plan.SweepId, run.RunId), change);

    private Task<WorkState?> ClaimAsync(SweepPlan plan, PlannedRun run, string owner) =>
        UpdateRunAsync(plan, run, s => Lifecycle.Claim(s, owner, _rig.Time.GetUtcNow(), Lease));

    [Fact]
    public async Task ReconcileAsync_LeaseLapsed_BackToPendingAndJobEnqueued()
    {
        var plan = await _rig.SubmitAsync();
        await ClaimAsync(plan, plan.Runs[0], "dead-worker");
        _rig.Time.Advance(Lease);

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: false);

        Assert.Equal(new ReconcileResult(1, 1, 0), result);
        // the message carries the trace context saved at submit, so the resumed work reports to the sweep's trace
        var traceParent = await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId);
        Assert.Equal(new WorkMessage(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId, traceParent), Assert.Single(await SweepRig.PeekAllAsync(_rig.Queues.Train)));
        var s = await _rig.RunAsync(plan, plan.Runs[0].RunId);
        Assert.Equal(Lifecycle.Pending, s.Status);
        Assert.Null(s.Owner);
        Assert.Null(s.LeaseUntil);
        Assert.Equal(new AttemptRecord(1, "dead-worker", ManualTime.Start, 0, "lease expired"), Assert.Single(s.History));
    }

    [Fact]
    public async Task ReconcileAsync_LeaseLapsedThenWorkerRuns_CompletedOnSecondAttempt()
    {
        var plan = await _rig.SubmitAsync();
        foreach (var run in plan.Runs)
            await ClaimAsync(plan, run, "dead-worker");
        _rig.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await _reconciler.ReconcileAsync(plan, enqueueIdle: false);

        await SweepRig.DrainAsync(_rig.Worker("w2"));

        foreach (var run in plan.Runs)
        {
            var s = await _rig.RunAsync(plan, run.RunId);
            Assert.Equal((Lifecycle.Completed, 2), (s.Status, s.Attempts));
            Assert.Equal(["lease expired", "completed"], s.History.Select(a => a.Outcome));
            Assert.Equal("w2", s.History[1].Owner);
        }
        Assert.Equal(Lifecycle.Completed, (await _rig.ComparisonAsync(plan, plan.Comparisons[0])).Status);
    }

    [Fact]
    public async Task ReconcileAsync_LeaseStillValid_NothingChangesNothingEnqueued()
    {
        var plan = await _rig.SubmitAsync();
        await ClaimAsync(plan, plan.Runs[0], "live-worker");
        _rig.Time.Advance(Lease - TimeSpan.FromTicks(1));
        var before = await _rig.FingerprintAsync();

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: false);

        Assert.Equal(new ReconcileResult(0, 0, 0), result);
        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(before, await _rig.FingerprintAsync());
    }

    [Fact]
    public async Task ReconcileAsync_TakeOver_ValidLeaseReleasedAsTakenOver()
    {
        var plan = await _rig.SubmitAsync();
        await ClaimAsync(plan, plan.Runs[0], "previous-process");

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: false, takeOver: true);

        Assert.Equal(new ReconcileResult(1, 1, 0), result);
        Assert.Equal("taken over", Assert.Single((await _rig.RunAsync(plan, plan.Runs[0].RunId)).History).Outcome);
    }

    [Fact]
    public async Task ReconcileAsync_IdleSweepWithoutEnqueueIdle_NothingEnqueued()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);
        Assert.Equal(new ReconcileResult(0, 0, 0), await _reconciler.ReconcileAsync(plan, enqueueIdle: false));
        Assert.Equal(0, await _rig.QueuedAsync());
    }

    [Fact]
    public async Task ReconcileAsync_EnqueueIdleFreshSweep_EveryJobOnceNoComparison()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: true);

        Assert.Equal(new ReconcileResult(0, plan.Jobs.Count, 0), result);
        Assert.Equal(plan.Jobs.Select(j => j.JobId), (await SweepRig.PeekAllAsync(_rig.Queues.Train)).Select(m => m.Id));
        Assert.Equal(0, await _rig.Queues.Compare.CountAsync());
    }

    [Fact]
    public async Task ReconcileAsync_EnqueueIdleBothRunsCompleted_ComparisonEnqueuedJobNot()
    {
        var plan = await _rig.SubmitAsync();
        foreach (var run in plan.Runs)
        {
            await ClaimAsync(plan, run, "w1");
            await UpdateRunAsync(plan, run, s => Lifecycle.Complete(s, "w1", _rig.Time.GetUtcNow(), null));
        }

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: true);

        Assert.Equal(new ReconcileResult(0, 0, 1), result);
        Assert.Equal(plan.Comparisons[0].ComparisonId, Assert.Single(await SweepRig.PeekAllAsync(_rig.Queues.Compare)).Id);
        Assert.Equal(0, await _rig.Queues.Train.CountAsync());
    }

    [Fact]
    public async Task ReconcileAsync_OneRunCompleted_ComparisonNotEnqueued()
    {
        var plan = await _rig.SubmitAsync();
        await ClaimAsync(plan, plan.Runs[0], "w1");
        await UpdateRunAsync(plan, plan.Runs[0], s => Lifecycle.Complete(s, "w1", _rig.Time.GetUtcNow(), null));

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: true);

        Assert.Equal(new ReconcileResult(0, 1, 0), result);
        Assert.Equal(0, await _rig.Queues.Compare.CountAsync());
        Assert.Equal(Lifecycle.Waiting, (await _rig.ComparisonAsync(plan, plan.Comparisons[0])).Status);
    }

    [Fact]
    public async Task ReconcileAsync_RunFailed_ComparisonFailedWithReason()
    {
        var plan = await _rig.SubmitAsync();
        var failed = plan.Runs[1];
        await ClaimAsync(plan, failed, "w1");
        await UpdateRunAsync(plan, failed, s => Lifecycle.Fail(s, "w1", "boom", maxFailures: 1));

        await _reconciler.ReconcileAsync(plan, enqueueIdle: false);

        var c = await _rig.ComparisonAsync(plan, plan.Comparisons[0]);
        Assert.Equal((Lifecycle.Failed, $"a run it compares failed ({failed.RunId})"), (c.Status, c.Error));
    }

    [Fact]
    public async Task ReconcileAsync_TwiceOnFinishedSweep_SecondPassChangesNothing()
    {
        var plan = await _rig.SubmitAsync();
        await _reconciler.ReconcileAsync(plan, enqueueIdle: true);
        await SweepRig.DrainAsync(_rig.Worker());
        var before = await _rig.FingerprintAsync();

        Assert.Equal(new ReconcileResult(0, 0, 0), await _reconciler.ReconcileAsync(plan, enqueueIdle: true));

        Assert.Equal(before, await _rig.FingerprintAsync());
        Assert.Equal(0, await _rig.QueuedAsync());
    }

    [Fact]
    public async Task ReconcileAsync_ComparisonLeaseLapsed_WaitingAndReenqueued()
    {
        var plan = await _rig.SubmitAsync();
        foreach (var run in plan.Runs)
        {
            await ClaimAsync(plan, run, "w1");
            await UpdateRunAsync(plan, run, s => Lifecycle.Complete(s, "w1", _rig.Time.GetUtcNow(), null));
        }
        var c = plan.Comparisons[0];
        await _rig.Entities.UpdateAsync(StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId), s => Lifecycle.Claim(s, "dead-worker", _rig.Time.GetUtcNow(), Lease));
        _rig.Time.Advance(Lease);

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: false);

        Assert.Equal(new ReconcileResult(1, 0, 1), result);
        Assert.Equal(c.ComparisonId, Assert.Single(await SweepRig.PeekAllAsync(_rig.Queues.Compare)).Id);
        var state = await _rig.ComparisonAsync(plan, c);
        Assert.Equal((Lifecycle.Waiting, "lease expired"), (state.Status, state.History[^1].Outcome));
    }

    [Fact]
    public async Task ReconcileAsync_FinishedButOutputsLost_ReopenedAndDoneAgainWithSameBits()
    {
        var plan = await _rig.SubmitAsync();
        await _reconciler.ReconcileAsync(plan, enqueueIdle: true);
        await SweepRig.DrainAsync(_rig.Worker("w1"));
        var run = plan.Runs[1];
        var c = plan.Comparisons[0];
        string weights = $"{StoreLayout.Final(plan.SweepId, run.RunId)}/{Sae.Core.SaeFiles.WeightsFile(plan.Document.Layout)}";
        string matches = StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId);
        var before = (await _rig.Blobs.ReadAsync(weights))!.Content;
        var beforeMatches = (await _rig.Blobs.ReadAsync(matches))!.Content;
        // what a storage rollback does: the state documents say Completed, the outputs are gone
        await _rig.Blobs.DeleteAsync(weights);
        await _rig.Blobs.DeleteAsync(matches);

        var (result, snapshot) = await _reconciler.ReconcileAndReadAsync(plan, enqueueIdle: false);

        // the run goes back with its job; the comparison waits for it (TrainAttempt enqueues it once the run is done)
        Assert.Equal(new ReconcileResult(0, 1, 0, 2), result);
        Assert.False(snapshot.IsFinished);
        Assert.Equal((Lifecycle.Pending, Lifecycle.Waiting), (snapshot.Runs[run.RunId].Status, snapshot.Comparisons[c.ComparisonId].Status));
        Assert.Contains(weights, snapshot.Runs[run.RunId].Error, StringComparison.Ordinal);

        await SweepRig.DrainAsync(_rig.Worker("w2"));

        var (again, finished) = await _reconciler.ReconcileAndReadAsync(plan, enqueueIdle: false);
        Assert.Equal(new ReconcileResult(0, 0, 0), again);
        Assert.True(finished.IsFinished);
        Assert.Equal(before, (await _rig.Blobs.ReadAsync(weights))!.Content);
        Assert.Equal(beforeMatches, (await _rig.Blobs.ReadAsync(matches))!.Content);
        var s = finished.Runs[run.RunId];
        Assert.Equal(["completed, outputs lost", "completed"], s.History.Select(a => a.Outcome));
        // done again from its last stored checkpoint, not from scratch
        Assert.Equal(s.History[0].LastCheckpoint, s.History[1].ResumedFromStep);
        Assert.Equal(["completed, outputs lost", "completed"], finished.Comparisons[c.ComparisonId].History.Select(a => a.Outcome));
        Assert.Equal(["completed"], finished.Runs[plan.Runs[0].RunId].History.Select(a => a.Outcome));
    }

    [Fact]
    public async Task ReconcileAsync_ComparisonFailedOnLostRunSae_BothDoneAgain()
    {
        var plan = await _rig.SubmitAsync();
        await _reconciler.ReconcileAsync(plan, enqueueIdle: true);
        var worker = _rig.Worker("w1");
        while (await _rig.Queues.Train.CountAsync() > 0)
            await worker.RunOnceAsync(CancellationToken.None);
        var run = plan.Runs[0];
        foreach (string name in await _rig.Blobs.ListAsync(StoreLayout.Final(plan.SweepId, run.RunId) + "/"))
            await _rig.Blobs.DeleteAsync(name);
        await SweepRig.DrainAsync(worker);
        var c = plan.Comparisons[0];
        Assert.Equal(Lifecycle.Failed, (await _rig.ComparisonAsync(plan, c)).Status);

        var result = await _reconciler.ReconcileAsync(plan, enqueueIdle: false);
        await SweepRig.DrainAsync(worker);

        Assert.Equal(new ReconcileResult(0, 1, 0, 2), result);
        var (_, snapshot) = await _reconciler.ReconcileAndReadAsync(plan, enqueueIdle: false);
        Assert.True(snapshot.IsFinished);
        Assert.Equal(Lifecycle.Completed, snapshot.Comparisons[c.ComparisonId].Status);
        Assert.Equal(Lifecycle.Completed, snapshot.Runs[run.RunId].Status);
    }
}
