using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sae.Cli.Bench;
using Sae.Numerics;

namespace Sae.Cli.Commands;

/// <summary><c>sae bench</c>: throughput of the numeric kernels at SAE shapes, printed as JSON.</summary>
internal static class BenchCommand
{
    private static readonly string[] AllParts = ["gemm", "topk", "encoder", "sparse", "train", "lsa", "lsa-large", "compare-large", "cluster"];

    /// <summary>The parts a plain <c>sae bench</c> runs: all but lsa (a 1 GiB matrix, tens of seconds), lsa-large and compare-large (minutes).</summary>
    private static readonly string[] DefaultParts = ["gemm", "topk", "encoder", "sparse", "train"];

    public static Command Create()
    {
        var threads = new Option<int>("--threads", "-t")
        {
            Description = "Threads to use (default: all cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var shape = new Option<string?>("--shape")
        {
            Description = "Time one GEMM of this shape instead of the defaults: M,N,K (C is [M,N], depth K).",
        };
        var op = new Option<string>("--op")
        {
            Description = "With --shape: abt (C = A·Bᵀ, the encoder), ab, atb (a weight gradient) or atbt.",
            DefaultValueFactory = _ => "abt",
        };
        var only = new Option<string>("--only")
        {
            Description = $"Comma-separated parts to run: {string.Join(", ", AllParts)} (default: all but lsa and lsa-large; use --only lsa for the dense assignment solver, --only lsa-large for one large-scale assignment, --only compare-large for a whole large pair comparison, both shaped by --lsa and --memory; --only cluster for sweep throughput with 1, 2 and 4 `sae worker` processes on a local Azurite).",
            DefaultValueFactory = _ => string.Join(",", DefaultParts),
        };
        var budget = new Option<double>("--budget")
        {
            Description = "Seconds to spend timing each measurement (at least 3 repetitions are always timed).",
            DefaultValueFactory = _ => 3.0,
        };
        var l1Option = new Option<double>("--l1")
        {
            Description = "L1 coefficient of the ReLU+L1 and Gated training-step benchmarks (higher = sparser activations).",
            DefaultValueFactory = _ => 1e-3,
        };
        var lsaSizes = new Option<string>("--lsa-sizes")
        {
            Description = $"For --only lsa: comma-separated n of the planted n×n cosine matrices (d = {LsaBench.Dimension}) to solve; "
                + "each is solved once, then again while the total stays within --budget.",
            DefaultValueFactory = _ => "4096,16384",
        };
        var lsa = new Option<string>("--lsa")
        {
            Description = "Shape of the lsa-large part: N,D,P,M[,MC] (latents per SAE, input dimension, planted shared fraction, candidates per row, per column (default M)).",
            DefaultValueFactory = _ => "131072,4096,0.3,32",
        };
        var memory = new Option<double>("--memory")
        {
            Description = "Memory budget of the lsa-large matcher in GiB (unit-row copies, tiles and candidate lists; not the generated inputs).",
            DefaultValueFactory = _ => 16.0,
        };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Also write the JSON to this file." };
        var sae = new Option<string>("--sae")
        {
            Description = "SAE shape for the top-k, encoder and sparse parts: BATCH,N,D,K (tokens per batch, latents, input dimension, active latents).",
            DefaultValueFactory = _ => "4096,16384,768,32",
        };
        var command = new Command("bench",
            "Measure the numeric kernels at SAE shapes and print JSON: GEMM GFLOP/s for the encoder shape [4096×768]·[16384×768]ᵀ, "
            + "4096³ and the gradient products, and the time of top-k and sparse decode. Progress goes to stderr.")
        {
            threads, shape, op, only, budget, output, sae, l1Option, lsaSizes, lsa, memory,
        };
        command.SetAction(parse => Execute(
            parse.GetValue(threads), parse.GetValue(shape), parse.GetValue(op)!, parse.GetValue(only)!,
            parse.GetValue(budget), parse.GetValue(output), parse.GetValue(sae)!, parse.GetValue(l1Option), parse.GetValue(lsaSizes)!,
            LsaShape.Parse(parse.GetValue(lsa)!, parse.GetValue(memory))));
        return command;
    }

    private static int Execute(int threads, string? shapeText, string op, string only, double budget, FileInfo? output, string saeShape, double l1, string lsaSizesText,
        LsaShape lsaShape)
    {
        if (threads < 1)
            throw new UserErrorException($"--threads must be at least 1 (got {threads}).");
        if (!(budget > 0))
            throw new UserErrorException($"--budget must be a positive number of seconds (got {budget}).");
        var parts = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var p in parts.Where(p => !AllParts.Contains(p)))
            throw new UserErrorException($"--only: unknown part '{p}' (known: {string.Join(", ", AllParts)}).");

        // validate every option before measuring anything
        var shapes = shapeText is null ? GemmShape.Defaults : [GemmShape.Parse(shapeText, op)];
        var (batch, n, d, k) = ParseSae(saeShape);
        int[] lsaSizes = ParseSizes(lsaSizesText);

        var report = new JsonObject
        {
            ["machine"] = Machine(threads),
        };
        if (parts.Contains("gemm"))
        {
            var results = new JsonArray();
            foreach (var s in shapes)
            {
                Console.Error.WriteLine($"bench: gemm {s.Name} ({s.M}×{s.N}×{s.K}, {s.Operation}) on {threads} thread(s)…");
                results.Add(GemmBench.Run(s, threads, budget));
            }
            report["gemm"] = results;
        }
        if (parts.Contains("lsa-large"))
        {
            Console.Error.WriteLine($"bench: lsa-large (n = {lsaShape.N}, d = {lsaShape.D}, planted {lsaShape.Planted}, m = {lsaShape.PerRow}/{lsaShape.PerColumn}, {lsaShape.MemoryBytes >> 20} MiB) on {threads} thread(s)…");
            report["lsa_large"] = LsaLargeBench.Run(lsaShape, threads);
        }
        if (parts.Contains("compare-large"))
        {
            Console.Error.WriteLine($"bench: compare-large (n = {lsaShape.N}, d = {lsaShape.D}, planted {lsaShape.Planted}, {lsaShape.MemoryBytes >> 20} MiB) on {threads} thread(s)…");
            report["compare_large"] = CompareLargeBench.Run(lsaShape, threads);
        }
        if (parts.Contains("cluster"))
            report["cluster"] = ClusterBench.Run([1, 2, 4]);
        if (parts.Any(p => p is not "gemm" and not "lsa" and not "lsa-large" and not "compare-large" and not "cluster"))
            report["sae_kernels"] = SaeKernels(parts, batch, n, d, k, l1, threads, budget);
        if (parts.Contains("lsa"))
        {
            var results = new JsonArray();
            foreach (int size in lsaSizes)
                results.Add(Progress($"dense linear assignment, planted {size}×{size} cosines", () => LsaBench.Run(size, threads, budget)));
            report["lsa"] = results;
        }
        string json = report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (output is not null)
            File.WriteAllText(output.FullName, json + Environment.NewLine);
        return 0;
    }

    private static JsonArray SaeKernels(string[] parts, int batch, int n, int d, int k, double l1, int threads, double budget)
    {
        var kernels = new JsonArray();
        var bench = new SaeKernelBench(batch, n, d, k, threads, budget);
        if (parts.Contains("topk"))
            kernels.Add(Progress("top-k rows", bench.TopKRows));
        if (parts.Contains("encoder"))
            kernels.Add(Progress("fused encoder (GEMM → bias → relu → top-k)", bench.Encoder));
        if (parts.Contains("sparse"))
        {
            kernels.Add(Progress("sparse decode", bench.Decode));
            kernels.Add(Progress("sparse gather-dot", bench.GatherDot));
            kernels.Add(Progress("sparse scatter-add", bench.ScatterAdd));
        }
        if (parts.Contains("train"))
        {
            kernels.Add(Progress("TopK training step", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.TopK, batch, n, d, k, 0, threads, budget)));
            kernels.Add(Progress("ReLU+L1 training step, dense activations (fresh init)", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.ReluL1, batch, n, d, k, l1, threads, budget)));
            kernels.Add(Progress("ReLU+L1 training step, sparse activations", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.ReluL1, batch, n, d, k, l1, threads, budget, encoderBias: -0.26f)));
            kernels.Add(Progress("BatchTopK training step", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.BatchTopK, batch, n, d, k, 0, threads, budget)));
            kernels.Add(Progress("AbsTopK training step", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.AbsTopK, batch, n, d, k, 0, threads, budget)));
            kernels.Add(Progress("JumpReLU training step, dense activations (fresh init)", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.JumpReLU, batch, n, d, k, 0, threads, budget)));
            kernels.Add(Progress("JumpReLU training step, sparse activations", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.JumpReLU, batch, n, d, k, 0, threads, budget, encoderBias: -0.26f)));
            kernels.Add(Progress("Gated training step, dense gate (fresh init)", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.Gated, batch, n, d, k, l1, threads, budget)));
            kernels.Add(Progress("Gated training step, sparse gate", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.Gated, batch, n, d, k, l1, threads, budget, encoderBias: -0.26f)));
            kernels.Add(Progress("Matryoshka BatchTopK training step (default groups)", () => TrainStepBench.Run(Sae.Core.SaeArchitecture.MatryoshkaBatchTopK, batch, n, d, k, 0, threads, budget)));
        }
        return kernels;
    }

    private static JsonObject Progress(string what, Func<JsonObject> run)
    {
        Console.Error.WriteLine($"bench: {what}…");
        return run();
    }

    private static (int Batch, int N, int D, int K) ParseSae(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out int v) && v > 0))
            throw new UserErrorException($"--sae must be four positive integers BATCH,N,D,K (got '{text}').");
        int[] v = parts.Select(int.Parse).ToArray();
        if (v[3] > v[1])
            throw new UserErrorException($"--sae: K must be between 1 and N = {v[1]} (got {v[3]}).");
        if ((long)v[0] * v[1] > int.MaxValue || (long)v[1] * v[2] > int.MaxValue)
            throw new UserErrorException($"--sae {text}: a matrix would exceed the largest span ({int.MaxValue} elements).");
        return (v[0], v[1], v[2], v[3]);
    }

    private static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || !parts.All(p => int.TryParse(p, out int v) && v > 0 && (long)v * v <= int.MaxValue && (long)v * LsaBench.Dimension <= int.MaxValue))
            throw new UserErrorException($"--lsa-sizes must be positive integers n with n² ≤ {int.MaxValue} (got '{text}').");
        return parts.Select(int.Parse).ToArray();
    }

    private static JsonObject Machine(int threads) => new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["threads"] = threads,
        ["gemm_kernel"] = Gemm.Isa.ToString(),
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };
}
