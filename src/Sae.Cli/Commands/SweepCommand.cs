using System.CommandLine;
using System.Globalization;
using Sae.Cli.Rendering;
using Sae.Cluster;
using Sae.Core;
using Spectre.Console;

namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae sweep run|status|report</c>: run a seed sweep on this machine (embedded store and workers; run it again
/// to resume), show where a stored sweep stands, and (re)write its report.
/// </summary>
internal static class SweepCommand
{
    /// <summary>The environment variable naming the store when --store is not given.</summary>
    public const string StoreVariable = ClusterNames.StoreVariable;

    public static Command Create()
    {
        var command = new Command("sweep", "Seed sweeps: train a grid of SAEs with several seeds, compare every pair of seeds, report which latents are shared.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(SweepClusterCommands.Submit());
        command.Subcommands.Add(SweepClusterCommands.Watch());
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(SweepClusterCommands.Resume());
        command.Subcommands.Add(ReportCommand());
        return command;
    }

    internal static Option<string?> StoreOption() => new("--store")
    {
        Description = $"Directory of the sweep store (state, checkpoints, SAEs, results, report). Default: ${StoreVariable}.",
    };

    internal static string ResolveStore(string? store)
    {
        if (!string.IsNullOrEmpty(store))
            return store;
        string? fromEnvironment = Environment.GetEnvironmentVariable(StoreVariable);
        return !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : throw new UserErrorException($"no store: pass --store DIR or set {StoreVariable}.");
    }

    private static Command RunCommand()
    {
        var spec = new Argument<string>("SPEC") { Description = "The sweep file (YAML or JSON; see examples/sweep.yaml)." };
        var store = StoreOption();
        var command = new Command("run",
            "Submit the sweep to the store and run it here with in-process workers, then write the report. Interrupted (Ctrl+C, "
            + "a crash, SIGKILL), run the same command again: finished runs are kept and interrupted ones resume from their last checkpoint.");
        command.Arguments.Add(spec);
        command.Options.Add(store);
        command.SetAction(r =>
        {
            string target = ResolveStore(r.GetValue(store));
            if (StoreConnection.IsConnectionString(target))
                throw new UserErrorException("sweep run works on a directory store; for Azure Storage use `sae sweep submit` and run `sae worker` processes.");
            return Run(SweepSpecReader.Read(r.GetValue(spec)!), target);
        });
        return command;
    }

    /// <summary>Runs a sweep on an embedded store with live progress; prints the summary; 0 when everything completed.</summary>
    internal static int Run(SweepSpec spec, string storeDirectory)
    {
        using var cancel = new CtrlC();
        EmbeddedOutcome outcome;
        try
        {
            outcome = SweepProgressRenderer.RunAsync(async renderer =>
            {
                var runtime = new EmbeddedSweep(storeDirectory, renderer);
                runtime.Submitted += plan => renderer.Planned(plan);
                return await runtime.RunAsync(spec, ImportProgress, cancel.Token).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"sae: interrupted; finished work is kept in {storeDirectory}. Run the same command again to resume.");
            return 130;
        }
        SweepTables.PrintCells(outcome.Results);
        SweepTables.PrintTrends(outcome.Results);
        Console.WriteLine($"report: {Path.Combine(outcome.ReportDirectory, "report.html")}");
        Console.WriteLine($"data:   {outcome.ReportDirectory}/{{summary.json, runs.csv, comparisons.csv, cells.csv}}; SAEs under {Path.Combine(storeDirectory, StoreLayout.Sweep(outcome.Plan.SweepId), "runs")}/*/final/");
        int failed = outcome.Snapshot.Runs.Values.Concat(outcome.Snapshot.Comparisons.Values).Count(s => s.Status == Lifecycle.Failed);
        if (failed == 0)
            return 0;
        Console.Error.WriteLine($"sae: {failed} run(s) or comparison(s) failed; their errors are in the report's tables and in `sae sweep status`.");
        return 1;
    }

    private static void ImportProgress(long rows, long total)
    {
        if (rows == total || rows % (1 << 20) < 65_536)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dataset: {rows:N0}/{total:N0} rows written to the store"));
    }

    private static Command StatusCommand()
    {
        var store = StoreOption();
        var sweep = new Option<string?>("--sweep") { Description = "Sweep id (default: the only sweep in the store)." };
        var command = new Command("status", "Where a stored sweep stands: runs and comparisons per status, and every run's attempts, checkpoint and error.");
        command.Options.Add(store);
        command.Options.Add(sweep);
        command.SetAction(r => Status(ResolveStore(r.GetValue(store)), r.GetValue(sweep)));
        return command;
    }

    private static int Status(string storeText, string? sweepId)
    {
        using var store = StoreConnection.OpenAsync(storeText, mustExist: true).GetAwaiter().GetResult();
        var entities = new EntityStore(store.Blobs);
        var plan = SweepSubmitter.ResolveAsync(store.Blobs, sweepId).GetAwaiter().GetResult();
        var snapshot = SweepSnapshot.ReadAsync(entities, plan).GetAwaiter().GetResult();
        SweepTables.PrintStatus(snapshot, entities.Now);
        return 0;
    }

    private static Command ReportCommand()
    {
        var store = StoreOption();
        var sweep = new Option<string?>("--sweep") { Description = "Sweep id (default: the only sweep in the store)." };
        var command = new Command("report", "(Re)write a stored sweep's report from its current state: report.html, summary.json, runs.csv, comparisons.csv, cells.csv.");
        command.Options.Add(store);
        command.Options.Add(sweep);
        command.SetAction(r => Report(ResolveStore(r.GetValue(store)), r.GetValue(sweep)));
        return command;
    }

    private static int Report(string storeText, string? sweepId)
    {
        using var store = StoreConnection.OpenAsync(storeText, mustExist: true).GetAwaiter().GetResult();
        var entities = new EntityStore(store.Blobs);
        var plan = SweepSubmitter.ResolveAsync(store.Blobs, sweepId).GetAwaiter().GetResult();
        string work = ClientWorkDirectory(store);
        var (results, directory) = SweepReport.WriteAsync(entities, plan, work).GetAwaiter().GetResult();
        SweepTables.PrintCells(results);
        Console.WriteLine($"report: {Path.Combine(directory, "report.html")}");
        return 0;
    }

    /// <summary>Local scratch for a client (dataset import, report files before upload): inside a directory store, else in the temp folder.</summary>
    internal static string ClientWorkDirectory(StoreConnection store) =>
        store.LocalRoot is { } root ? Path.Combine(root, ".work") : Path.Combine(Path.GetTempPath(), "sae-client");
}
