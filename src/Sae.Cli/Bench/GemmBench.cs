using System.Text.Json.Nodes;
using Sae.Numerics;

namespace Sae.Cli.Bench;

/// <summary>Times <see cref="Gemm"/> on one shape and reports GFLOP/s.</summary>
internal static class GemmBench
{
    public static JsonObject Run(GemmShape shape, int threads, double budgetSeconds)
    {
        var a = BenchData.Uniform((long)shape.M * shape.K, 1);
        var b = BenchData.Uniform((long)shape.K * shape.N, 2);
        var c = new float[(long)shape.M * shape.N];
        var t = Timing.Measure(
            () => Gemm.Multiply(a, shape.TransposeA, b, shape.TransposeB, c, shape.M, shape.N, shape.K, false, threads),
            minReps: 3, budgetSeconds);
        return new JsonObject
        {
            ["shape"] = shape.Name,
            ["op"] = shape.Operation,
            ["m"] = shape.M,
            ["n"] = shape.N,
            ["k"] = shape.K,
            ["threads"] = threads,
            ["gflops"] = Math.Round(shape.Flops / t.MedianSeconds / 1e9, 1),
            ["gflops_best"] = Math.Round(shape.Flops / t.MinSeconds / 1e9, 1),
            ["median_ms"] = Math.Round(t.MedianSeconds * 1e3, 2),
            ["reps"] = t.Repetitions,
        };
    }
}
