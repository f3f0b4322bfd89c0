namespace Sae.Cluster;

/// <summary>
/// Puts lost work back on the queues. An active run or comparison whose lease lapsed (its worker died) goes back
/// to idle and is enqueued again, to resume from its last checkpoint on any worker. With enqueueIdle (at start,
/// and `sweep resume`) every idle job and every comparison whose runs are complete is enqueued too — duplicates
/// are harmless because a worker only deletes a message for work that is finished or held. A sweep that looks
/// finished is checked against the store: Completed work whose outputs are missing is reopened and done again.
/// </summary>
public sealed class Reconciler(EntityStore entities, WorkQueues queues)
{
    /// <summary>One pass over the sweep; returns what it found and did.</summary>
    /// <param name="plan">The sweep.</param>
    /// <param name="enqueueIdle">Also enqueue idle work (not only work whose lease just lapsed).</param>
    /// <param name="takeOver">Treat every active claim as lapsed (the embedded runtime restarting on a store only it uses).</param>
    /// <param name="cancel">Cancellation.</param>
    public async Task<ReconcileResult> ReconcileAsync(SweepPlan plan, bool enqueueIdle, bool takeOver = false, CancellationToken cancel = default) =>
        (await ReconcileAndReadAsync(plan, enqueueIdle, takeOver, cancel).ConfigureAwait(false)).Result;

    /// <summary>As <see cref="ReconcileAsync"/>, also returning every state as the pass left it (each document is read once).</summary>
    public async Task<(ReconcileResult Result, SweepSnapshot Snapshot)> ReconcileAndReadAsync(SweepPlan plan, bool enqueueIdle, bool takeOver = false,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var runStates = new Dictionary<string, WorkState>();
        var comparisonStates = new Dictionary<string, WorkState>();
        int expired = 0, jobs = 0, comparisons = 0;
        string? traceParent = await SweepTrace.ReadAsync(entities.Blobs, plan.SweepId, cancel).ConfigureAwait(false);
        foreach (var job in plan.Jobs)
        {
            bool lapsed = false, idle = false;
            foreach (var run in job.Runs)
            {
                string path = StoreLayout.RunState(plan.SweepId, run.RunId);
                var (state, changed) = await entities.ApplyAsync(path, s => Lifecycle.Expire(s, entities.Now, takeOver), cancel).ConfigureAwait(false);
                lapsed |= changed;
                expired += changed ? 1 : 0;
                runStates[run.RunId] = state;
                idle |= state.Status == Lifecycle.Pending;
            }
            if (idle && (lapsed || enqueueIdle))
            {
                await queues.SendAsync(new WorkMessage(WorkMessage.Train, plan.SweepId, job.JobId, traceParent), cancel: cancel).ConfigureAwait(false);
                jobs++;
            }
        }
        foreach (var c in plan.Comparisons)
        {
            string path = StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId);
            var (state, lapsed) = await entities.ApplyAsync(path, s => Lifecycle.Expire(s, entities.Now, takeOver), cancel).ConfigureAwait(false);
            expired += lapsed ? 1 : 0;
            string a = runStates[c.A.RunId].Status, b = runStates[c.B.RunId].Status;
            bool ready = a == Lifecycle.Completed && b == Lifecycle.Completed;
            if (state.Status == Lifecycle.Waiting && ready && (lapsed || enqueueIdle))
            {
                await queues.SendAsync(new WorkMessage(WorkMessage.Compare, plan.SweepId, c.ComparisonId, traceParent), cancel: cancel).ConfigureAwait(false);
                comparisons++;
            }
            else if (state.Status == Lifecycle.Waiting && (a == Lifecycle.Failed || b == Lifecycle.Failed))
            {
                // it can never run: it fails too, with the reason, so the sweep can finish
                string reason = $"a run it compares failed ({(a == Lifecycle.Failed ? c.A.RunId : c.B.RunId)})";
                (state, _) = await entities.ApplyAsync(path, s => Lifecycle.Cancel(s, reason), cancel).ConfigureAwait(false);
            }
            comparisonStates[c.ComparisonId] = state;
        }
        var snapshot = new SweepSnapshot(plan, runStates, comparisonStates);
        if (!snapshot.IsFinished)
            return (new ReconcileResult(expired, jobs, comparisons), snapshot);
        var (reopened, moreJobs, moreComparisons) = await ReopenLostAsync(plan, runStates, comparisonStates, traceParent, cancel).ConfigureAwait(false);
        return (new ReconcileResult(expired, jobs + moreJobs, comparisons + moreComparisons, reopened), new SweepSnapshot(plan, runStates, comparisonStates));
    }

    // a sweep that looks finished is checked against the store itself before anyone is told so: finished work whose
    // outputs are gone goes back to idle and is enqueued (a comparison waits for its runs done again); only the state
    // this pass read is reopened, so a pass that raced with a redo does not send it round again
    private async Task<(int Reopened, int Jobs, int Comparisons)> ReopenLostAsync(SweepPlan plan, Dictionary<string, WorkState> runStates,
        Dictionary<string, WorkState> comparisonStates, string? traceParent, CancellationToken cancel)
    {
        var missing = await SweepOutputs.MissingAsync(entities.Blobs, new SweepSnapshot(plan, runStates, comparisonStates), cancel).ConfigureAwait(false);
        int reopened = 0, jobs = 0, comparisons = 0;
        if (missing.Count == 0)
            return (0, 0, 0);
        foreach (var job in plan.Jobs)
        {
            bool any = false;
            foreach (var run in job.Runs.Where(r => missing.ContainsKey(r.RunId)))
            {
                if (await ReopenAsync(StoreLayout.RunState(plan.SweepId, run.RunId), runStates, run.RunId, missing[run.RunId], cancel).ConfigureAwait(false))
                {
                    reopened++;
                    any = true;
                }
            }
            if (any)
            {
                await queues.SendAsync(new WorkMessage(WorkMessage.Train, plan.SweepId, job.JobId, traceParent), cancel: cancel).ConfigureAwait(false);
                jobs++;
            }
        }
        foreach (var c in plan.Comparisons)
        {
            // a comparison of a run done again may have failed on that run's missing SAE: it gets another chance
            bool runLost = missing.ContainsKey(c.A.RunId) || missing.ContainsKey(c.B.RunId);
            string? lost = missing.GetValueOrDefault(c.ComparisonId)
                ?? (runLost && comparisonStates[c.ComparisonId].Status == Lifecycle.Failed ? "the final SAE of a run it compares" : null);
            if (lost is null || !await ReopenAsync(StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId), comparisonStates, c.ComparisonId, lost, cancel).ConfigureAwait(false))
                continue;
            reopened++;
            if (runStates[c.A.RunId].Status == Lifecycle.Completed && runStates[c.B.RunId].Status == Lifecycle.Completed)
            {
                await queues.SendAsync(new WorkMessage(WorkMessage.Compare, plan.SweepId, c.ComparisonId, traceParent), cancel: cancel).ConfigureAwait(false);
                comparisons++;
            }
        }
        return (reopened, jobs, comparisons);
    }

    private async Task<bool> ReopenAsync(string path, Dictionary<string, WorkState> states, string id, string missing, CancellationToken cancel)
    {
        long seen = states[id].Version;
        var (state, changed) = await entities.ApplyAsync(path, s => s.Version == seen ? Lifecycle.Reopen(s, missing) : null, cancel).ConfigureAwait(false);
        states[id] = state;
        return changed;
    }
}

/// <summary>What one reconciliation pass did.</summary>
/// <param name="Expired">Claims whose lease had lapsed (or were taken over), now idle again.</param>
/// <param name="JobsEnqueued">Training jobs enqueued.</param>
/// <param name="ComparisonsEnqueued">Comparisons enqueued.</param>
/// <param name="Reopened">Finished runs and comparisons whose outputs were missing from the store, now idle again to be done again.</param>
public sealed record ReconcileResult(int Expired, int JobsEnqueued, int ComparisonsEnqueued, int Reopened = 0);
