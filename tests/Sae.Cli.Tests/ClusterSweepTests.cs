using Sae.Cli.Bench;
using Sae.Cluster;

namespace Sae.Cli.Tests;

/// <summary>
/// Sweeps run by `sae worker` processes against a real Azurite: the same bits as the embedded runtime, whatever
/// the workers suffer (SIGKILLs at random moments, restarted workers, an outage and restart of the storage emulator),
/// every entity Completed exactly once, no lease left held, and no more repeated training than the steps after the last
/// checkpoint; and the account key never appears in anything printed. The emulator is stopped, not SIGKILLed
/// (<see cref="LocalAzurite.Restart"/>): a SIGKILL loses its last 5 s of acknowledged writes, which real Storage never
/// does; the product's answer to storage that loses outputs anyway is tested in ReconcilerTests.
/// </summary>
[Collection("azurite")]
public sealed class ClusterSweepTests
{
    private static readonly string Spec = TestSweeps.Small("cluster", 800, leaseSeconds: 3);

    [Fact]
    public async Task Workers_KilledAndStorageRestarted_SweepCompletesOnceWithEmbeddedBits()
    {
        using var cluster = new ClusterFixture();
        string spec = cluster.Dir.File("sweep.yaml");
        File.WriteAllText(spec, Spec);
        var embedded = SaeProcess.Run("sweep", "run", spec, "--store", cluster.Dir.File("embedded"));
        Assert.True(embedded.ExitCode == 0, embedded.StdErr);

        var submitted = cluster.Client("sweep", "submit", spec);
        Assert.True(submitted.ExitCode == 0, cluster.Output);
        for (int i = 0; i < 3; i++)
            cluster.StartWorker();
        using var store = await StoreConnection.OpenAsync(cluster.Azurite.ConnectionString);
        var entities = new EntityStore(store.Blobs);
        var plan = await SweepSubmitter.ResolveAsync(store.Blobs, null);

        var random = new Random(2026);
        int kills = 0;
        bool restarted = false;
        var snapshot = await SweepSnapshot.ReadAsync(entities, plan);
        while (!snapshot.IsFinished)
        {
            // chaos while there is work: five SIGKILLs of random workers (each replaced) and one storage restart
            if (kills < 5 && snapshot.Runs.Values.Any(s => s.CheckpointStep > 40 * kills && !s.IsTerminal))
            {
                var running = cluster.RunningWorkers;
                cluster.Kill(running[random.Next(running.Count)]);
                cluster.StartWorker();
                kills++;
            }
            else if (!restarted && kills >= 2)
            {
                cluster.Azurite.Restart();
                restarted = true;
            }
            await Task.Delay(random.Next(200, 900)); // the chaos lands at random moments
            snapshot = await SweepSnapshot.ReadAsync(entities, plan);
            // finished as `sae sweep watch` says it: only once the outputs are checked in the store
            if (snapshot.IsFinished)
                (_, snapshot) = await new Reconciler(entities, store.Queues).ReconcileAndReadAsync(plan, enqueueIdle: false);
        }
        Assert.True(kills >= 5 && restarted, $"only {kills} kills and restart={restarted} happened before the sweep finished");

        AssertCompletedOnce(snapshot);
        AssertBoundedRepeats(snapshot);
        await AssertSameBitsAsync(store.Blobs, plan, cluster.Dir.File("embedded"), cluster.Dir.File("download"));
        Assert.DoesNotContain(LocalAzurite.AccountKey, cluster.Output, StringComparison.Ordinal);
    }

    private static void AssertCompletedOnce(SweepSnapshot s)
    {
        foreach (var (id, state) in s.Runs.Concat(s.Comparisons))
        {
            Assert.True(state.Status == Lifecycle.Completed, $"{id} is {state.Status}: {state.Error}");
            Assert.Single(state.History, a => a.Outcome == "completed");
            Assert.Null(state.Owner);
            Assert.Null(state.LeaseUntil);
        }
    }

    // a later attempt starts at or after the last checkpoint its predecessor stored: only steps after a checkpoint are ever redone
    private static void AssertBoundedRepeats(SweepSnapshot s)
    {
        foreach (var (id, state) in s.Runs)
        {
            for (int k = 1; k < state.History.Count; k++)
            {
                var before = state.History[k - 1];
                var after = state.History[k];
                Assert.True(after.ResumedFromStep >= before.LastCheckpoint,
                    $"{id}: attempt {after.Attempt} resumed at step {after.ResumedFromStep} though attempt {before.Attempt} had stored step {before.LastCheckpoint}");
            }
        }
    }

    private static async Task AssertSameBitsAsync(IBlobStore blobs, SweepPlan plan, string embeddedStore, string download)
    {
        string local = Path.Combine(embeddedStore, "sweeps", plan.SweepId);
        Assert.True(Directory.Exists(local), $"the embedded sweep has another id than {plan.SweepId}");
        var names = (await blobs.ListAsync(StoreLayout.Sweep(plan.SweepId) + "/"))
            .Where(n => (n.Contains("/final/", StringComparison.Ordinal) && !n.EndsWith("metrics.json", StringComparison.Ordinal))
                || n.EndsWith("/result.json", StringComparison.Ordinal) || n.EndsWith("/matches.csv", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(9 * 2 + 9 * 2, names.Count);
        foreach (string name in names)
        {
            string file = Path.Combine(download, name);
            await blobs.DownloadFileAsync(name, file);
            string mine = Path.Combine(embeddedStore, name);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(mine)), $"{name} differs from the embedded sweep");
        }
    }
}
