using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Sae.Cluster;
using Sae.Core;
using Sae.Matching;
using Spectre.Console;

namespace Sae.Cli.Rendering;

/// <summary>
/// Shows a sweep's progress. On a terminal: a Spectre.Console display with an overall bar (runs and comparisons
/// finished) and one line per training job (tokens, FVU, tokens/s, ETA). Otherwise plain log lines on stderr:
/// each job's start, its progress every few seconds, its end, and each comparison's result.
/// </summary>
internal sealed class SweepProgressRenderer : ISweepObserver
{
    private readonly bool _live;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, JobLine> _jobs = new();
    private readonly Lock _gate = new();
    private ProgressContext? _context;
    private ProgressTask? _overall;
    private int _runs, _comparisons, _runsDone, _comparisonsDone;

    private SweepProgressRenderer(bool live) => _live = live;

    /// <summary>A renderer that only writes log lines (workers, redirected output).</summary>
    public static SweepProgressRenderer Plain() => new(live: false);

    /// <summary>Runs <paramref name="run"/> with a renderer suited to the console.</summary>
    public static async Task<T> RunAsync<T>(Func<SweepProgressRenderer, Task<T>> run)
    {
        bool live = !Console.IsErrorRedirected && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var renderer = new SweepProgressRenderer(live);
        if (!live)
            return await run(renderer).ConfigureAwait(false);
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                renderer._context = ctx;
                result = await run(renderer).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Sets the totals of the overall bar once the sweep is planned.</summary>
    public void Planned(SweepPlan plan, SweepSnapshot? snapshot = null)
    {
        lock (_gate)
        {
            _runs = plan.Runs.Count;
            _comparisons = plan.Comparisons.Count;
            if (_context is not null)
                _overall = _context.AddTask(Overall(), maxValue: _runs + _comparisons);
        }
        Line($"sweep {plan.SweepId}: {plan.Runs.Count} runs in {plan.Jobs.Count} training jobs, {plan.Comparisons.Count} comparisons");
    }

    public void JobStarted(string worker, PlannedJob job, IReadOnlyList<PlannedRun> runs, long resumedFromStep)
    {
        string seeds = string.Join(",", runs.Select(r => r.Seed));
        string label = $"{job.Cell.Key} seeds {seeds}";
        var line = new JobLine(label, runs.Count, job.Cell.Steps);
        lock (_gate)
            line.Task = _context?.AddTask(Markup.Escape(label), maxValue: job.Cell.Steps);
        _jobs[job.JobId] = line;
        Line(string.Create(CultureInfo.InvariantCulture, $"{label}: {(resumedFromStep > 0 ? $"resumed from checkpoint at step {resumedFromStep}" : "started")} ({worker})"));
    }

    public void JobProgress(string worker, PlannedJob job, TrainingProgress progress)
    {
        if (!_jobs.TryGetValue(job.JobId, out var line))
            return;
        line.Step = progress.Step;
        string text = $"{line.Label}  {TrainProgressRenderer.Describe(progress)}";
        lock (_gate)
        {
            if (line.Task is { } task)
            {
                task.Value = progress.Step;
                task.Description = Markup.Escape(text);
            }
            UpdateOverall();
        }
        if (!_live && line.SinceLog.Elapsed.TotalSeconds >= 5)
        {
            line.SinceLog.Restart();
            Line(text);
        }
    }

    public void JobFinished(string worker, PlannedJob job, string? failure)
    {
        if (!_jobs.TryRemove(job.JobId, out var line))
            return;
        lock (_gate)
        {
            if (failure is null)
                _runsDone += line.Runs;
            if (line.Task is { } task)
            {
                task.Description = Markup.Escape($"{line.Label}  {(failure is null ? "done" : "stopped: " + failure)}");
                task.StopTask();
            }
            UpdateOverall();
        }
        Line(failure is null ? $"{line.Label}: trained" : $"{line.Label}: {failure}");
    }

    public void ComparisonStarted(string worker, PlannedComparison comparison)
    {
    }

    public void ComparisonFinished(string worker, PlannedComparison comparison, PairSummary? summary, string? failure)
    {
        lock (_gate)
        {
            if (summary is not null)
                _comparisonsDone++;
            UpdateOverall();
        }
        string what = $"seed {comparison.A.Seed} vs {comparison.B.Seed} of {comparison.Cell.Key}";
        if (!_live || failure is not null)
            Line(summary is not null ? string.Create(CultureInfo.InvariantCulture, $"compared {what}: shared {summary.SharedFraction:F3}, agree {summary.AgreeFraction:F3}") : $"compare {what}: {failure}");
    }

    public void Log(string message) => Line(message);

    private void UpdateOverall()
    {
        if (_overall is null)
            return;
        double active = _jobs.Values.Sum(j => j.Runs * (double)j.Step / Math.Max(1, j.Steps));
        _overall.Value = Math.Min(_runs + _comparisons, _runsDone + _comparisonsDone + active);
        _overall.Description = Overall();
    }

    private string Overall() => $"[bold]sweep[/] runs {_runsDone}/{_runs}, comparisons {_comparisonsDone}/{_comparisons}";

    private void Line(string text)
    {
        if (_live)
            return;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {text}"));
    }

    private sealed class JobLine(string label, int runs, long steps)
    {
        public string Label { get; } = label;

        public int Runs { get; } = runs;

        public long Steps { get; } = steps;

        public long Step { get; set; }

        public ProgressTask? Task { get; set; }

        public Stopwatch SinceLog { get; } = Stopwatch.StartNew();
    }
}
