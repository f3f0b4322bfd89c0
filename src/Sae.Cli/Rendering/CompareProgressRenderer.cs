using System.Diagnostics;
using System.Globalization;
using Sae.Matching;
using Spectre.Console;

namespace Sae.Cli.Rendering;

/// <summary>
/// Shows the progress of comparing pairs of SAEs: one Spectre.Console bar per pair (four stages:
/// decoder cosines, decoder assignment, encoder cosines, encoder assignment) on a terminal, or
/// plain stderr lines (each stage, then at most every five seconds) when output is redirected.
/// </summary>
internal static class CompareProgressRenderer
{
    /// <summary>Runs <paramref name="runPair"/> for each pair in turn, labelled by <paramref name="labels"/>.</summary>
    public static T[] RunPairs<T>(IReadOnlyList<string> labels, Func<int, IProgress<ComparisonProgress>, T> runPair)
    {
        var results = new T[labels.Count];
        if (Console.IsErrorRedirected || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            for (int i = 0; i < labels.Count; i++)
                results[i] = runPair(i, new PlainProgress(labels[i]));
            return results;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = labels.Select(l => ctx.AddTask(l, autoStart: false, maxValue: ComparisonProgress.StageCount)).ToArray();
                for (int i = 0; i < labels.Count; i++)
                {
                    var task = tasks[i];
                    string label = labels[i];
                    task.StartTask();
                    results[i] = runPair(i, new SyncProgress<ComparisonProgress>(p =>
                    {
                        task.Value = p.Overall;
                        task.Description = $"{label}: {StageName(p.Stage)}";
                    }));
                    task.Value = ComparisonProgress.StageCount;
                    task.Description = label;
                    task.StopTask();
                }
            });
        return results;
    }

    /// <summary>"decoder cosines", "decoder assignment", …</summary>
    public static string StageName(ComparisonStage stage) => stage switch
    {
        ComparisonStage.DecoderCosines => "decoder cosines",
        ComparisonStage.DecoderAssignment => "decoder assignment",
        ComparisonStage.EncoderCosines => "encoder cosines",
        _ => "encoder assignment",
    };

    /// <summary>A stderr line when a stage starts and at most every five seconds within it.</summary>
    private sealed class PlainProgress(string label) : IProgress<ComparisonProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private ComparisonStage? _stage;

        public void Report(ComparisonProgress value)
        {
            bool newStage = value.Stage != _stage;
            if (!newStage && _since.Elapsed.TotalSeconds < 5)
                return;
            _stage = value.Stage;
            _since.Restart();
            string done = newStage ? "" : string.Create(CultureInfo.InvariantCulture, $" {value.Fraction:P0}");
            Console.Error.WriteLine($"compare: {label}: {StageName(value.Stage)}{done}");
        }
    }
}
