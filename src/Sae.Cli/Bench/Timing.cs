using System.Diagnostics;

namespace Sae.Cli.Bench;

/// <summary>Median-of-repetitions wall-clock timing after a warm-up, bounded by a time budget.</summary>
internal static class Timing
{
    /// <summary>Result of timing one operation.</summary>
    internal readonly record struct Result(double MedianSeconds, double MinSeconds, int Repetitions);

    /// <summary>Runs <paramref name="action"/> once to warm up, then at least <paramref name="minReps"/> times or until <paramref name="budgetSeconds"/> have passed.</summary>
    public static Result Measure(Action action, int minReps = 3, double budgetSeconds = 3.0, int maxReps = 50)
    {
        action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minReps || (total.Elapsed.TotalSeconds < budgetSeconds && times.Count < maxReps))
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return new Result(times[times.Count / 2], times[0], times.Count);
    }
}
