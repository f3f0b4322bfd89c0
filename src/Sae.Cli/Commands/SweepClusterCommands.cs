using System.CommandLine;
using System.Globalization;
using Sae.Cli.Rendering;
using Sae.Cluster;

namespace Sae.Cli.Commands;

/// <summary>
/// The client side of a cluster sweep: <c>sae sweep submit</c> (store the sweep and enqueue its work for `sae worker`
/// processes), <c>sae sweep watch</c> (live progress from the stored state) and <c>sae sweep resume</c>
/// (re-enqueue everything unfinished, e.g. after the queues were lost).
/// </summary>
internal static class SweepClusterCommands
{
    public static Command Submit()
    {
        var spec = new Argument<string>("SPEC") { Description = "The sweep file (YAML or JSON; see examples/sweep.yaml)." };
        var store = SweepCommand.StoreOption();
        var command = new Command("submit", "Put the sweep (and its dataset) into the store and enqueue its work; `sae worker` processes do the rest. Submitting again changes nothing.");
        command.Arguments.Add(spec);
        command.Options.Add(store);
        command.SetAction(r =>
        {
            var sweep = SweepSpecReader.Read(r.GetValue(spec)!);
            using var connection = StoreConnection.OpenAsync(SweepCommand.ResolveStore(r.GetValue(store))).GetAwaiter().GetResult();
            var entities = new EntityStore(connection.Blobs);
            var plan = new SweepSubmitter(entities).SubmitAsync(sweep, SweepCommand.ClientWorkDirectory(connection), Environment.ProcessorCount,
                (rows, total) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dataset: {rows:N0}/{total:N0} rows"))).GetAwaiter().GetResult();
            var enqueued = new Reconciler(entities, connection.Queues).ReconcileAsync(plan, enqueueIdle: true).GetAwaiter().GetResult();
            Console.WriteLine($"{plan.SweepId}: {plan.Runs.Count} runs in {plan.Jobs.Count} jobs, {plan.Comparisons.Count} comparisons on {connection.Description}; "
                + $"enqueued {enqueued.JobsEnqueued} job(s) and {enqueued.ComparisonsEnqueued} comparison(s).");
            Console.WriteLine($"watch it with `sae sweep watch --sweep {plan.SweepId}`; start workers with `sae worker`.");
            return 0;
        });
        return command;
    }

    public static Command Resume()
    {
        var store = SweepCommand.StoreOption();
        var sweep = new Option<string?>("--sweep") { Description = "Sweep id (default: the only sweep in the store)." };
        var command = new Command("resume", "Re-enqueue every unfinished run and comparison of a stored sweep (claims whose lease lapsed go back too).");
        command.Options.Add(store);
        command.Options.Add(sweep);
        command.SetAction(r =>
        {
            using var connection = StoreConnection.OpenAsync(SweepCommand.ResolveStore(r.GetValue(store)), mustExist: true).GetAwaiter().GetResult();
            var entities = new EntityStore(connection.Blobs);
            var plan = SweepSubmitter.ResolveAsync(connection.Blobs, r.GetValue(sweep)).GetAwaiter().GetResult();
            var result = new Reconciler(entities, connection.Queues).ReconcileAsync(plan, enqueueIdle: true).GetAwaiter().GetResult();
            Console.WriteLine($"{plan.SweepId}: {result.Expired} lapsed claim(s) released; enqueued {result.JobsEnqueued} job(s) and {result.ComparisonsEnqueued} comparison(s).");
            return 0;
        });
        return command;
    }

    public static Command Watch()
    {
        var store = SweepCommand.StoreOption();
        var sweep = new Option<string?>("--sweep") { Description = "Sweep id (default: the only sweep in the store)." };
        var every = new Option<double>("--every") { Description = "Seconds between looks at the store.", DefaultValueFactory = _ => 2 };
        var command = new Command("watch", "Follow a stored sweep until it finishes: runs and comparisons per status and every active run's checkpointed step.");
        command.Options.Add(store);
        command.Options.Add(sweep);
        command.Options.Add(every);
        command.SetAction(r =>
        {
            using var connection = StoreConnection.OpenAsync(SweepCommand.ResolveStore(r.GetValue(store)), mustExist: true).GetAwaiter().GetResult();
            using var cancel = new CtrlC();
            var entities = new EntityStore(connection.Blobs);
            var plan = SweepSubmitter.ResolveAsync(connection.Blobs, r.GetValue(sweep)).GetAwaiter().GetResult();
            return WatchAsync(new Reconciler(entities, connection.Queues), entities, plan, TimeSpan.FromSeconds(Math.Max(0.1, r.GetValue(every))), cancel.Token)
                .GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> WatchAsync(Reconciler reconciler, EntityStore entities, SweepPlan plan, TimeSpan every, CancellationToken cancel)
    {
        string last = "";
        try
        {
            while (true)
            {
                var snapshot = await SweepSnapshot.ReadAsync(entities, plan, cancel).ConfigureAwait(false);
                // "finished" is said only once the outputs are checked in the store (work whose outputs are gone is reopened)
                if (snapshot.IsFinished)
                    (_, snapshot) = await reconciler.ReconcileAndReadAsync(plan, enqueueIdle: false, cancel: cancel).ConfigureAwait(false);
                string line = Describe(snapshot, entities.Now);
                if (line != last)
                {
                    Console.WriteLine(line);
                    last = line;
                }
                if (snapshot.IsFinished)
                {
                    SweepTables.PrintStatus(snapshot, entities.Now);
                    return snapshot.Runs.Values.Concat(snapshot.Comparisons.Values).Any(s => s.Status == Lifecycle.Failed) ? 1 : 0;
                }
                await Task.Delay(every, cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    // one line: counts, then each active run with its owner and stored checkpoint step
    private static string Describe(SweepSnapshot s, DateTimeOffset now)
    {
        var active = s.Plan.Runs.Where(r => Lifecycle.IsLeased(s.Runs[r.RunId], now))
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.RunId} step {s.Runs[r.RunId].CheckpointStep}/{r.Cell.Steps} ({s.Runs[r.RunId].Owner})"));
        string counts = $"runs {SweepTables.Counts(s.RunCounts)}; comparisons {SweepTables.Counts(s.ComparisonCounts)}";
        var list = active.ToList();
        return list.Count == 0 ? counts : $"{counts}; training: {string.Join("; ", list)}";
    }
}
