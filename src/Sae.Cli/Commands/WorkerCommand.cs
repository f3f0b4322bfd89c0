using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Sae.Cli.Rendering;
using Sae.Cluster;
using Sae.Core;

namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae worker</c>: one worker process (one per GPU node / pod) serving the store's queues until stopped
/// (Ctrl+C or SIGTERM: work in progress is handed back at its last checkpoint).
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var store = SweepCommand.StoreOption();
        var queues = new Option<string>("--queues") { Description = "Queues to serve: train, compare, or both.", DefaultValueFactory = _ => "train,compare" };
        var threads = new Option<int>("--threads") { Description = "Kernel threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cache = new Option<string?>("--cache") { Description = $"Scratch and shard-cache directory (default: ${ClusterNames.WorkVariable}, else ./sae-work)." };
        var cacheSize = new Option<string>("--cache-size") { Description = "Largest size of the local shard cache (remote stores).", DefaultValueFactory = _ => "20GiB" };
        var name = new Option<string?>("--name") { Description = "Worker name written into claims (default: host-pid)." };
        var reconcile = new Option<double>("--reconcile-every") { Description = "Seconds between passes that re-enqueue work whose worker died.", DefaultValueFactory = _ => 15 };
        var command = new Command("worker",
            "Serve a store's queues: claim training jobs and comparisons, checkpoint into the store, complete them. Run one per node or pod; "
            + "kill it at any moment and the work resumes elsewhere from its last checkpoint.");
        foreach (var o in new Option[] { store, queues, threads, cache, cacheSize, name, reconcile })
            command.Options.Add(o);
        command.SetAction(r =>
        {
            var served = r.GetValue(queues)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            if (served.Count == 0 || !served.IsSubsetOf(WorkerOptions.AllQueues))
                throw new UserErrorException($"--queues must list train and/or compare (got '{r.GetValue(queues)}').");
            int n = r.GetValue(threads);
            if (n < 1)
                throw new UserErrorException($"--threads must be >= 1 (got {n}).");
            string work = r.GetValue(cache) ?? Environment.GetEnvironmentVariable(ClusterNames.WorkVariable) ?? "sae-work";
            var options = new WorkerOptions(r.GetValue(name) ?? $"{Environment.MachineName}-{Environment.ProcessId}", n, Path.GetFullPath(work), served)
            {
                CacheLimitBytes = ByteSize.Parse(r.GetValue(cacheSize)!, "--cache-size"),
            };
            double every = r.GetValue(reconcile);
            if (!(every > 0))
                throw new UserErrorException($"--reconcile-every must be > 0 seconds (got {every}).");
            return Run(SweepCommand.ResolveStore(r.GetValue(store)), options, TimeSpan.FromSeconds(every));
        });
        return command;
    }

    private static int Run(string storeText, WorkerOptions options, TimeSpan reconcileEvery)
    {
        using var stop = new CtrlC();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var store = StoreConnection.OpenAsync(storeText, cancel: stop.Token).GetAwaiter().GetResult();
        var log = SweepProgressRenderer.Plain();
        log.Log(string.Create(CultureInfo.InvariantCulture, $"{options.Name}: serving {string.Join(",", options.Queues.Order())} on {store.Description} with {options.Threads} thread(s)"));
        new WorkerHost(store, options, log) { ReconcileEvery = reconcileEvery }.RunAsync(stop.Token).GetAwaiter().GetResult();
        log.Log($"{options.Name}: stopped");
        return 0;
    }
}
