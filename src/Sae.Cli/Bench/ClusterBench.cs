using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Sae.Cluster;

namespace Sae.Cli.Bench;

/// <summary>
/// Sweep throughput with 1, 2, 4… `sae worker` processes against a local Azurite, on SAEs small enough that
/// coordination (queues, claims, heartbeats, checkpoint uploads) and not arithmetic dominates. Reports work items
/// per second, the ratio to linear scaling, and the coordination overhead per job: a job's claim-to-completion time
/// minus the time its training loop ran.
/// </summary>
internal static class ClusterBench
{
    private const string Spec = """
        name: scaling{N}
        dataset:
          synthetic: {features: 32, dim: 16, rows: 8192, active: 3, seed: 1}
        grid:
          - architecture: topk
            latents: [32, 48, 64]
            k: [2, 3]
        seeds: 6
        training: {batch: 128, steps: 150, lr: 0.004, lr_warmup_steps: 10, checkpoint_every: 50}
        resources: {seeds_per_job: 1, lease_seconds: 30}
        """;

    public static JsonArray Run(IReadOnlyList<int> workerCounts)
    {
        string root = Path.Combine(Path.GetTempPath(), $"sae-cluster-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        var results = new JsonArray();
        try
        {
            using var azurite = new LocalAzurite(Path.Combine(root, "azurite"));
            foreach (int n in workerCounts)
                results.Add(Measure(n, azurite.ConnectionString, root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        double? single = results.FirstOrDefault(r => r!["workers"]!.GetValue<int>() == 1)?["items_per_s"]?.GetValue<double>();
        foreach (var r in results)
        {
            if (single is > 0)
                r!["ratio_to_linear"] = Math.Round(r["items_per_s"]!.GetValue<double>() / (single.Value * r["workers"]!.GetValue<int>()), 3);
        }
        return results;
    }

    private static JsonObject Measure(int workers, string connection, string root)
    {
        string specFile = Path.Combine(root, $"scaling{workers}.yaml");
        File.WriteAllText(specFile, Spec.Replace("{N}", workers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var env = new Dictionary<string, string> { [ClusterNames.StoreVariable] = connection };
        Console.Error.WriteLine($"bench: cluster with {workers} worker process(es)…");
        RunSae(env, "sweep", "submit", specFile).WaitForExit();
        using var store = StoreConnection.OpenAsync(connection).GetAwaiter().GetResult();
        var entities = new EntityStore(store.Blobs);
        var plan = new SweepCatalog(store.Blobs).FindAsync(new SweepCatalog(store.Blobs).ListAsync().GetAwaiter().GetResult().Single(s => s.StartsWith($"scaling{workers}-", StringComparison.Ordinal))).GetAwaiter().GetResult()!;
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers)
            .Select(i => RunSae(env, "worker", "--threads", "1", "--name", $"b{workers}-{i}", "--cache", Path.Combine(root, $"w{workers}-{i}"))).ToList();
        SweepSnapshot snapshot;
        // a slow poll: reading every state document loads the emulator, and the timing comes from the states anyway
        while (!(snapshot = SweepSnapshot.ReadAsync(entities, plan).GetAwaiter().GetResult()).IsFinished)
            Thread.Sleep(1000);
        double wallWithStartup = clock.Elapsed.TotalSeconds;
        foreach (var p in processes)
            p.Kill(entireProcessTree: true);
        // from the first claim to the last completion: process start-up (the same for any scale) is not throughput
        var states = snapshot.Runs.Values.Concat(snapshot.Comparisons.Values).ToList();
        double wall = (states.Max(s => s.CompletedAt!.Value) - states.Min(s => s.History[0].StartedAt)).TotalSeconds;
        var overhead = plan.Runs.Select(r => Overhead(store.Blobs, plan, r, snapshot.Runs[r.RunId])).ToList();
        int items = plan.Jobs.Count + plan.Comparisons.Count;
        return new JsonObject
        {
            ["workers"] = workers,
            ["jobs"] = plan.Jobs.Count,
            ["comparisons"] = plan.Comparisons.Count,
            ["wall_s"] = Math.Round(wall, 2),
            ["wall_with_startup_s"] = Math.Round(wallWithStartup, 2),
            ["items_per_s"] = Math.Round(items / wall, 3),
            ["overhead_per_job_ms"] = Math.Round(overhead.Average() * 1000, 1),
            ["overhead_per_job_ms_median"] = Math.Round(overhead.Order().ElementAt(overhead.Count / 2) * 1000, 1),
        };
    }

    // claim-to-completion minus the training loop's own wall time (metrics.json of the final SAE)
    private static double Overhead(IBlobStore blobs, SweepPlan plan, PlannedRun run, WorkState state)
    {
        var metrics = blobs.ReadAsync($"{StoreLayout.Final(plan.SweepId, run.RunId)}/metrics.json").GetAwaiter().GetResult();
        double training = JsonNode.Parse(metrics!.Content)!["wall_seconds_this_session"]!.GetValue<double>();
        var last = state.History[^1];
        return (state.CompletedAt!.Value - last.StartedAt).TotalSeconds - training;
    }

    private static Process RunSae(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            psi.ArgumentList.Add(typeof(ClusterBench).Assembly.Location);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in env)
            psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
