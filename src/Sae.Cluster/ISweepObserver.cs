using Sae.Core;
using Sae.Matching;

namespace Sae.Cluster;

/// <summary>What the workers tell whoever watches (the CLI's progress display, logs). Called from worker threads.</summary>
public interface ISweepObserver
{
    /// <summary>A worker claimed a training job's runs; <paramref name="resumedFromStep"/> is 0 for a fresh start.</summary>
    void JobStarted(string worker, PlannedJob job, IReadOnlyList<PlannedRun> runs, long resumedFromStep);

    /// <summary>A training step finished.</summary>
    void JobProgress(string worker, PlannedJob job, TrainingProgress progress);

    /// <summary>A training job ended: completed (<paramref name="failure"/> null), failed, or abandoned.</summary>
    void JobFinished(string worker, PlannedJob job, string? failure);

    /// <summary>A worker claimed a comparison.</summary>
    void ComparisonStarted(string worker, PlannedComparison comparison);

    /// <summary>A comparison ended (<paramref name="summary"/> null on failure).</summary>
    void ComparisonFinished(string worker, PlannedComparison comparison, PairSummary? summary, string? failure);

    /// <summary>A line for the log.</summary>
    void Log(string message);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullSweepObserver : ISweepObserver
{
    /// <summary>The instance.</summary>
    public static NullSweepObserver Instance { get; } = new();

    /// <inheritdoc/>
    public void JobStarted(string worker, PlannedJob job, IReadOnlyList<PlannedRun> runs, long resumedFromStep)
    {
    }

    /// <inheritdoc/>
    public void JobProgress(string worker, PlannedJob job, TrainingProgress progress)
    {
    }

    /// <inheritdoc/>
    public void JobFinished(string worker, PlannedJob job, string? failure)
    {
    }

    /// <inheritdoc/>
    public void ComparisonStarted(string worker, PlannedComparison comparison)
    {
    }

    /// <inheritdoc/>
    public void ComparisonFinished(string worker, PlannedComparison comparison, PairSummary? summary, string? failure)
    {
    }

    /// <inheritdoc/>
    public void Log(string message)
    {
    }
}
