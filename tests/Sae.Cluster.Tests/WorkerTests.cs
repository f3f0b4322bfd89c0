namespace Sae.Cluster.Tests;

/// <summary>Workers against a real file store, trained for real on the tiny sweep (milliseconds per job).</summary>
public sealed class WorkerTests : IDisposable
{
    private readonly SweepRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RunOnceAsync_EmptyQueues_False() =>
        Assert.False(await _rig.Worker().RunOnceAsync(CancellationToken.None));

    [Fact]
    public async Task RunOnceAsync_TrainMessage_RunsCompletedAndComparisonEnqueued()
    {
        var plan = await _rig.SubmitAsync();
        var job = Assert.Single(plan.Jobs);
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, job.JobId);

        Assert.True(await _rig.Worker().RunOnceAsync(CancellationToken.None));

        foreach (var run in plan.Runs)
        {
            var s = await _rig.RunAsync(plan, run.RunId);
            Assert.Equal(Lifecycle.Completed, s.Status);
            Assert.Equal(ManualTime.Start, s.CompletedAt);
            Assert.Equal(20, s.CheckpointStep); // checkpoints every 5 steps, the last at step 20 of 20
            Assert.True(s.Result!["tokens"]!.GetValue<long>() > 0);
            Assert.Equal(new AttemptRecord(1, "w1", ManualTime.Start, 0, "completed", LastCheckpoint: 20), Assert.Single(s.History));
            Assert.Contains(StoreLayout.Final(plan.SweepId, run.RunId) + "/cfg.json", await _rig.Blobs.ListAsync(StoreLayout.Final(plan.SweepId, run.RunId) + "/"));
        }
        Assert.Equal(0, await _rig.Queues.Train.CountAsync());
        // both runs of the only pair are complete: its comparison is enqueued, still Waiting
        var comparison = Assert.Single(plan.Comparisons);
        Assert.Equal(new WorkMessage(WorkMessage.Compare, plan.SweepId, comparison.ComparisonId), Assert.Single(await SweepRig.PeekAllAsync(_rig.Queues.Compare)));
        Assert.Equal(Lifecycle.Waiting, (await _rig.ComparisonAsync(plan, comparison)).Status);
        Assert.Equal((job.JobId, (string?)null), Assert.Single(_rig.Observer.Jobs));
    }

    [Fact]
    public async Task DrainAsync_WholeSweep_EverythingCompletedWithComparisonOutputs()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);
        await new Reconciler(_rig.Entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);

        int handled = await SweepRig.DrainAsync(_rig.Worker());

        Assert.Equal(plan.Jobs.Count + plan.Comparisons.Count, handled);
        var snapshot = await SweepSnapshot.ReadAsync(_rig.Entities, plan);
        Assert.True(snapshot.IsFinished);
        Assert.All(snapshot.Runs.Values.Concat(snapshot.Comparisons.Values), s => Assert.Equal(Lifecycle.Completed, s.Status));
        foreach (var c in plan.Comparisons)
        {
            Assert.NotNull(await _rig.Blobs.ReadAsync(StoreLayout.ComparisonResult(plan.SweepId, c.ComparisonId)));
            Assert.NotNull(await _rig.Blobs.ReadAsync(StoreLayout.ComparisonMatches(plan.SweepId, c.ComparisonId)));
            Assert.InRange(snapshot.Comparisons[c.ComparisonId].Result!["shared_fraction"]!.GetValue<double>(), 0, 1);
        }
    }

    [Fact]
    public async Task RunOnceAsync_DuplicateMessageForCompletedJob_DeletedAndStoreUnchanged()
    {
        var plan = await _rig.SubmitAsync();
        var worker = _rig.Worker();
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);
        await SweepRig.DrainAsync(worker);
        var before = await _rig.FingerprintAsync();

        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);
        await _rig.SendAsync(WorkMessage.Compare, plan.SweepId, plan.Comparisons[0].ComparisonId);
        Assert.Equal(2, await SweepRig.DrainAsync(_rig.Worker("w2")));

        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(before, await _rig.FingerprintAsync());
    }

    [Fact]
    public async Task RunOnceAsync_JobHeldByLiveWorker_MessageDeletedAndClaimKept()
    {
        var plan = await _rig.SubmitAsync();
        foreach (var run in plan.Runs)
            await _rig.Entities.UpdateAsync(StoreLayout.RunState(plan.SweepId, run.RunId), s => Lifecycle.Claim(s, "busy", _rig.Time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var before = await _rig.FingerprintAsync();
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);

        Assert.True(await _rig.Worker().RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(before, await _rig.FingerprintAsync());
        Assert.Equal("busy", (await _rig.RunAsync(plan, plan.Runs[0].RunId)).Owner);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"kind\":\"train\",\"sweep\":\"no-such-sweep\",\"id\":\"j\"}")]
    [InlineData("{\"kind\":\"compare\",\"sweep\":\"no-such-sweep\",\"id\":\"a__b\"}")]
    public async Task RunOnceAsync_MessageNamingNoSweep_Dropped(string body)
    {
        await _rig.SubmitAsync();
        var before = await _rig.FingerprintAsync();
        await _rig.Queues.Train.SendAsync(body);

        Assert.True(await _rig.Worker().RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(before, await _rig.FingerprintAsync());
        Assert.Contains(_rig.Observer.Lines, l => l.Contains("dropped", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(WorkMessage.Train)]
    [InlineData(WorkMessage.Compare)]
    public async Task RunOnceAsync_UnknownIdInKnownSweep_Dropped(string kind)
    {
        var plan = await _rig.SubmitAsync();
        var before = await _rig.FingerprintAsync();
        await _rig.SendAsync(kind, plan.SweepId, "no-such-work");

        Assert.True(await _rig.Worker().RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(before, await _rig.FingerprintAsync());
        Assert.Contains(_rig.Observer.Lines, l => l.Contains("no-such-work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnceAsync_CorruptDataset_RetriedThenFailedAfterMaxFailuresWithReason()
    {
        var plan = await _rig.SubmitAsync();
        Assert.Equal(2, plan.Document.MaxFailures);
        string shard = StoreLayout.Shard(plan.Document.Dataset.Id, 0);
        await _rig.Blobs.WriteAsync(shard, "this is not a safetensors file"u8.ToArray(), BlobCondition.None);
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);
        var worker = _rig.Worker();

        // first failure: back to Pending with the error, and the message comes back (RetryBackoff is zero)
        Assert.True(await worker.RunOnceAsync(CancellationToken.None));
        var first = await _rig.RunAsync(plan, plan.Runs[0].RunId);
        Assert.Equal((Lifecycle.Pending, 1, 1), (first.Status, first.Failures, first.Attempts));
        string error = first.Error!;
        Assert.Contains("shards/00000.safetensors", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("failed: ", Assert.Single(first.History).Outcome, StringComparison.Ordinal);
        Assert.Equal(1, await _rig.Queues.Train.CountAsync());

        // second failure: Failed for good, message gone
        Assert.True(await worker.RunOnceAsync(CancellationToken.None));
        Assert.False(await worker.RunOnceAsync(CancellationToken.None));
        foreach (var run in plan.Runs)
        {
            var s = await _rig.RunAsync(plan, run.RunId);
            Assert.Equal(Lifecycle.Failed, s.Status);
            Assert.Equal((2, 2), (s.Failures, s.Attempts));
            Assert.Equal($"failed 2 times; last: {error}", s.Error);
            Assert.All(s.History, a => Assert.Equal($"failed: {error}", a.Outcome));
        }
        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.Equal(2, _rig.Observer.Jobs.Count(j => j.Failure == error));

        // the reconciler gives up on the comparison too, naming the run, so the sweep can finish
        await new Reconciler(_rig.Entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);
        var c = await _rig.ComparisonAsync(plan, plan.Comparisons[0]);
        Assert.Equal(Lifecycle.Failed, c.Status);
        Assert.Equal($"a run it compares failed ({plan.Runs[0].RunId})", c.Error);
        Assert.Equal(0, await _rig.QueuedAsync());
        Assert.True((await SweepSnapshot.ReadAsync(_rig.Entities, plan)).IsFinished);
    }

    [Fact]
    public async Task DrainAsync_OneCellAlwaysFails_ThatCellFailedRestCompleted()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);
        Assert.Equal(2, plan.Jobs.Count);
        var broken = plan.Jobs[0];
        // storing a checkpoint of the first cell's runs fails every time (a disk that fills up under one run's folder)
        string brokenPrefix = StoreLayout.Run(plan.SweepId, broken.Runs[0].RunId) + "/";
        _rig.Faults.FailUploads = name => name.StartsWith(brokenPrefix, StringComparison.Ordinal);
        var reconciler = new Reconciler(_rig.Entities, _rig.Queues);
        await reconciler.ReconcileAsync(plan, enqueueIdle: true);

        await SweepRig.DrainAsync(_rig.Worker());
        await reconciler.ReconcileAsync(plan, enqueueIdle: true);
        await SweepRig.DrainAsync(_rig.Worker());

        Assert.Equal(plan.Document.MaxFailures, _rig.Faults.InjectedFaults);
        var snapshot = await SweepSnapshot.ReadAsync(_rig.Entities, plan);
        Assert.True(snapshot.IsFinished);
        foreach (var run in plan.Runs)
        {
            var s = snapshot.Runs[run.RunId];
            if (run.Cell.Key == broken.Cell.Key)
            {
                Assert.Equal(Lifecycle.Failed, s.Status);
                Assert.StartsWith($"failed {plan.Document.MaxFailures} times; last: {FaultyBlobStore.Reason}", s.Error, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(Lifecycle.Completed, s.Status);
                Assert.Null(s.Error);
            }
        }
        foreach (var c in plan.Comparisons)
            Assert.Equal(c.Cell.Key == broken.Cell.Key ? Lifecycle.Failed : Lifecycle.Completed, snapshot.Comparisons[c.ComparisonId].Status);
    }

    [Fact]
    public async Task RunOnceAsync_FailedOnceThenFixed_CompletedAndErrorKept()
    {
        var plan = await _rig.SubmitAsync();
        _rig.Faults.FailUploads = _ => true;
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);
        var worker = _rig.Worker();
        Assert.True(await worker.RunOnceAsync(CancellationToken.None));
        _rig.Faults.FailUploads = null;

        Assert.True(await worker.RunOnceAsync(CancellationToken.None));

        var s = await _rig.RunAsync(plan, plan.Runs[0].RunId);
        Assert.Equal((Lifecycle.Completed, 1, 2), (s.Status, s.Failures, s.Attempts));
        Assert.StartsWith(FaultyBlobStore.Reason, s.Error, StringComparison.Ordinal);
        Assert.Equal("completed", s.History[^1].Outcome);
    }

    [Fact]
    public async Task RunOnceAsync_ClaimTakenOverBeforeCheckpoint_AbandonsWithoutThrowing()
    {
        var plan = await _rig.SubmitAsync();
        int takeOvers = 0;
        // while w1 uploads its first checkpoint, it stalls long enough for the claim to go to w2
        _rig.Faults.BeforeUpload = name =>
        {
            if (!name.Contains("/checkpoints/", StringComparison.Ordinal) || Interlocked.Exchange(ref takeOvers, 1) == 1)
                return;
            var now = _rig.Time.GetUtcNow();
            foreach (var run in plan.Runs)
            {
                _rig.Entities.UpdateAsync(StoreLayout.RunState(plan.SweepId, run.RunId),
                    s => Lifecycle.Claim(Lifecycle.Expire(s, now, takeOver: true)!, "w2", now, TimeSpan.FromSeconds(30))).GetAwaiter().GetResult();
            }
        };
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);

        Assert.True(await _rig.Worker().RunOnceAsync(CancellationToken.None));

        Assert.Equal(1, takeOvers);
        foreach (var run in plan.Runs)
        {
            var s = await _rig.RunAsync(plan, run.RunId);
            Assert.Equal((Lifecycle.Training, "w2"), (s.Status, s.Owner));
            Assert.Empty(await _rig.Blobs.ListAsync(StoreLayout.Final(plan.SweepId, run.RunId) + "/"));
        }
        Assert.StartsWith("abandoned", Assert.Single(_rig.Observer.Jobs).Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnceAsync_LongLeaseFailureAfterRedelivery_RetryStillQueued()
    {
        var plan = await _rig.SubmitAsync(TinySweep.Yaml.Replace("lease_seconds: 30", "lease_seconds: 600", StringComparison.Ordinal));
        var other = _rig.Worker("w2");
        int redelivered = 0;
        // w1 is slow: 61 s pass before its first checkpoint (its first heartbeat is due only at 200 s), w2 polls meanwhile,
        // then storing the checkpoint fails
        _rig.Faults.BeforeUpload = name =>
        {
            if (!name.Contains("/checkpoints/", StringComparison.Ordinal) || Interlocked.Exchange(ref redelivered, 1) == 1)
                return;
            _rig.Time.Advance(TimeSpan.FromSeconds(61));
            Assert.True(other.RunOnceAsync(CancellationToken.None).GetAwaiter().GetResult());
        };
        _rig.Faults.FailUploads = name => name.Contains("/checkpoints/", StringComparison.Ordinal);
        await _rig.SendAsync(WorkMessage.Train, plan.SweepId, plan.Jobs[0].JobId);

        Assert.True(await _rig.Worker("w1").RunOnceAsync(CancellationToken.None));

        var s = await _rig.RunAsync(plan, plan.Runs[0].RunId);
        Assert.Equal((Lifecycle.Pending, 1), (s.Status, s.Failures));
        // the failed job must come back for its retry
        Assert.Equal(1, await _rig.Queues.Train.CountAsync());
    }
}
