using System.Diagnostics;
using System.Globalization;
using Sae.Core;
using Spectre.Console;

namespace Sae.Cli.Rendering;

/// <summary>
/// Shows a training job's progress: a Spectre.Console bar (tokens, FVU, L0, tokens/s, ETA) on a
/// terminal, or a plain log line every few seconds when output is redirected (CI, files, pipes).
/// </summary>
internal static class TrainProgressRenderer
{
    /// <summary>Runs <paramref name="run"/> with a progress sink suited to the console.</summary>
    public static T Run<T>(long totalTokens, Func<IProgress<TrainingProgress>, T> run)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return run(new PlainProgress());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalTokens);
                result = run(new SyncProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Tokens;
                    task.Description = Describe(p);
                }));
            });
        return result;
    }

    /// <summary>One line: step, tokens, mean FVU and L0 over seeds, dead fraction, tokens/s.</summary>
    public static string Describe(TrainingProgress p)
    {
        var inv = CultureInfo.InvariantCulture;
        if (p.Step == p.StartStep)
            return p.Resumed ? string.Create(inv, $"resumed at step {p.Step:N0}") : "starting";
        double fvu = p.Seeds.Average(s => s.Loss.Fvu), l0 = p.Seeds.Average(s => s.Loss.L0), dead = p.Seeds.Average(s => s.DeadFraction);
        return string.Create(inv, $"step {p.Step:N0}/{p.TotalSteps:N0}  {Tokens(p.Tokens)} tok  FVU {fvu:F4}  L0 {l0:F1}  dead {dead:P1}  {p.TokensPerSecond:N0} tok/s");
    }

    private static string Tokens(long t) => t >= 1_000_000
        ? (t / 1e6).ToString("F1", CultureInfo.InvariantCulture) + "M"
        : t.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A log line on stderr at most every five seconds, and at the end.</summary>
    private sealed class PlainProgress : IProgress<TrainingProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private bool _first = true;

        public void Report(TrainingProgress value)
        {
            bool last = value.Step == value.TotalSteps;
            if (!_first && !last && _since.Elapsed.TotalSeconds < 5)
                return;
            _first = false;
            _since.Restart();
            double eta = value.TokensPerSecond > 0 ? (value.TotalTokens - value.Tokens) / value.TokensPerSecond : double.NaN;
            string etaText = double.IsFinite(eta) ? TimeSpan.FromSeconds(Math.Round(eta)).ToString("c", CultureInfo.InvariantCulture) : "?";
            Console.Error.WriteLine($"train: {Describe(value)}  ETA {etaText}");
        }
    }
}
