using System.Diagnostics;
using System.Text.Json.Nodes;
using Sae.Matching;

namespace Sae.Cli.Bench;

/// <summary>
/// The large-scale matching run: two synthetic SAEs (<see cref="PlantedPair"/>) of n latents at depth
/// d are matched by <see cref="LargeScaleMatcher"/> under a memory budget; reports the phases' wall
/// time, peak memory, the optimality gap, and the recovered shared fraction (cosine &gt; 0.7) against
/// the planted one. One matching; the paper's procedure runs two (encoder and decoder).
/// </summary>
internal static class LsaLargeBench
{
    /// <summary>Runs once (no repetitions: at 131,072 × 4,096 one run is ~6 minutes on two cores).</summary>
    public static JsonObject Run(LsaShape shape, int threads)
    {
        var (n, d, budgetBytes) = (shape.N, shape.D, shape.MemoryBytes);
        var clock = Stopwatch.StartNew();
        var data = PlantedPair.Create(n, d, shape.Planted, seed: 2025, threads);
        double generate = clock.Elapsed.TotalSeconds;
        var options = new CandidateOptions { PerRow = shape.PerRow, PerColumn = shape.PerColumn, MemoryBudgetBytes = budgetBytes, Threads = threads };
        var plan = CandidateSelection.PlanBlocks(n, n, d, options with { MemoryBudgetBytes = budgetBytes - (8L * n * d) });
        var progress = new ConsoleProgress();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var match = LargeScaleMatcher.Match(data.A, data.B, n, n, d, options, progress);
        Console.Error.WriteLine();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double candidateCpu = (progress.CpuAtSolve - cpu0).TotalSeconds, solveCpu = (cpu - progress.CpuAtSolve).TotalSeconds;
        var report = Report(shape, threads, plan, match, candidateCpu, solveCpu);
        report["generate_s"] = Math.Round(generate, 2);
        Recovery(report, data, match);
        return report;
    }

    private static JsonObject Report(LsaShape shape, int threads, (int RowBlock, int TileColumns, long Bytes) plan,
        LargeScaleMatch match, double candidateCpu, double solveCpu)
    {
        var (n, d, budgetBytes) = (shape.N, shape.D, shape.MemoryBytes);
        double flops = 2.0 * n * n * d;
        return new JsonObject
        {
            ["n"] = n,
            ["d"] = d,
            ["per_row"] = shape.PerRow,
            ["per_column"] = shape.PerColumn,
            ["threads"] = threads,
            ["budget_gib"] = Math.Round(budgetBytes / (double)(1L << 30), 2),
            ["row_block"] = plan.RowBlock,
            ["tile_columns"] = plan.TileColumns,
            ["scan_bytes_planned_gib"] = Math.Round(plan.Bytes / (double)(1L << 30), 3),
            ["candidates_s"] = Math.Round(match.CandidateTime.TotalSeconds, 2),
            ["candidates_gflops"] = Math.Round(flops / match.CandidateTime.TotalSeconds / 1e9, 1),
            ["candidates_cpu_s"] = Math.Round(candidateCpu, 2),
            ["candidates_gflops_per_cpu_s"] = Math.Round(flops / candidateCpu / 1e9, 1),
            ["solve_s"] = Math.Round(match.SolveTime.TotalSeconds, 2),
            ["solve_cpu_s"] = Math.Round(solveCpu, 2),
            ["candidates"] = match.Candidates,
            ["fallback_rows"] = match.FallbackRows,
            ["total"] = Math.Round(match.Assignment.Total, 4),
            ["upper_bound"] = Math.Round(match.UpperBound, 4),
            ["gap"] = Math.Round(match.UpperBoundGap, 4),
            ["gap_per_latent"] = match.UpperBoundGap / n,
            ["peak_rss_gib"] = Math.Round(ProcessMemory.PeakResidentBytes() / (double)(1L << 30), 2),
            ["gc_heap_gib"] = Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / (double)(1L << 30), 2),
        };
    }

    // Shared = matched cosine > 0.7, against the planted pairs.
    private static void Recovery(JsonObject report, PlantedPair data, LargeScaleMatch match)
    {
        int n = data.Partner.Length;
        int shared = match.Cosine.Count(c => c > 0.7f);
        int correct = Enumerable.Range(0, n).Count(i => data.Partner[i] >= 0 && match.Assignment.RowToColumn[i] == data.Partner[i]);
        int planted = data.Partner.Count(j => j >= 0);
        report["planted_fraction"] = planted / (double)n;
        report["recovered_fraction"] = shared / (double)n;
        report["planted_pairs_recovered"] = planted == 0 ? 1.0 : correct / (double)planted;
        report["difference_pp"] = Math.Round(100.0 * (shared - planted) / n, 3);
    }

    // VmHWM (peak resident set) from /proc on Linux; the current working set elsewhere.
    /// <summary>Prints the fraction done to stderr, in whole percent, and notes the CPU time when the solve starts (0.9).</summary>
    private sealed class ConsoleProgress : IProgress<double>
    {
        private int _percent = -1;

        public TimeSpan CpuAtSolve { get; private set; }

        public void Report(double value)
        {
            if (value >= 0.9 && CpuAtSolve == TimeSpan.Zero)
                CpuAtSolve = Process.GetCurrentProcess().TotalProcessorTime;
            int percent = (int)(value * 100);
            if (Interlocked.Exchange(ref _percent, percent) != percent)
                Console.Error.Write($"\rbench: lsa-large {percent}%");
        }
    }
}
