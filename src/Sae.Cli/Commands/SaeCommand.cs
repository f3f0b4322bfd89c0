using System.CommandLine;
using Sae.Cli.Telemetry;

namespace Sae.Cli.Commands;

/// <summary>The <c>sae</c> root command: wires the sub-commands and turns user errors into one-line messages.</summary>
internal static class SaeCommand
{
    /// <summary>Exit code for a usage or input error (the user's to fix).</summary>
    public const int UsageError = 2;

    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        using var telemetry = TelemetrySetup.Start(); // disposed on every way out: flushes buffered spans and metrics
        var root = new RootCommand(
            "sae: train many sparse autoencoders on the same activations with different seeds and measure which features they share.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // an unparsable value ("--rows abc") is a usage error like any other: one line, exit 2
            Console.Error.WriteLine($"sae: error: {parse.Errors[0].Message} (see --help)");
            return UsageError;
        }
        try
        {
            // our handler below prints user errors as one line; bugs keep their stack trace
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserErrorException e)
        {
            Console.Error.WriteLine($"sae: error: {e.Message}");
            return UsageError;
        }
        catch (Sae.Core.SaeInputException e)
        {
            Console.Error.WriteLine($"sae: error: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the file system refused (no permission, not a directory, disk full): the user's to fix, not a bug
            Console.Error.WriteLine($"sae: error: {e.Message}");
            return UsageError;
        }
    }
}
