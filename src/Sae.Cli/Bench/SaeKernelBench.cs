using System.Text.Json.Nodes;
using Sae.Numerics;

namespace Sae.Cli.Bench;

/// <summary>
/// Times the kernels of one TopK SAE training step at SAE shapes: top-k of a dense [batch, n]
/// matrix, the fused encoder (GEMM → bias → relu → top-k), sparse decode, and the two sparse
/// backward kernels (gather-dot for the activation gradient, deterministic scatter-add for a
/// weight gradient).
/// </summary>
internal sealed class SaeKernelBench
{
    private readonly int _batch, _n, _d, _k, _threads;
    private readonly double _budget;

    public SaeKernelBench(int batch, int n, int d, int k, int threads, double budgetSeconds)
    {
        (_batch, _n, _d, _k, _threads, _budget) = (batch, n, d, k, threads, budgetSeconds);
    }

    private JsonObject Shape(string kernel) => new()
    {
        ["kernel"] = kernel,
        ["batch"] = _batch,
        ["n"] = _n,
        ["d"] = _d,
        ["k"] = _k,
        ["threads"] = _threads,
    };

    /// <summary>Top-k of every row of a dense [batch, n] matrix.</summary>
    public JsonObject TopKRows()
    {
        var x = BenchData.Uniform((long)_batch * _n, 3);
        var v = new float[_batch * _k];
        var idx = new int[_batch * _k];
        var t = Timing.Measure(() => TopK.Rows(x, _batch, _n, _k, v, idx, _threads), budgetSeconds: _budget);
        return With(Shape("topk_rows"), t, flops: 0);
    }

    /// <summary>The fused encoder, with the plain GEMM of the same shape for comparison.</summary>
    public JsonObject Encoder()
    {
        var x = BenchData.Uniform((long)_batch * _d, 4);
        var w = BenchData.Uniform((long)_n * _d, 5);
        var bias = BenchData.Uniform(_n, 6);
        var v = new float[_batch * _k];
        var idx = new int[_batch * _k];
        var t = Timing.Measure(() => EncoderTopK.Forward(x, w, bias, _batch, _n, _d, _k, v, idx, _threads), budgetSeconds: _budget);
        return With(Shape("encoder_topk_fused"), t, flops: 2.0 * _batch * _n * _d);
    }

    /// <summary>x̂ = Σ_j v_j·W_dec[idx_j] + b_dec.</summary>
    public JsonObject Decode()
    {
        var (v, idx) = Activations();
        var w = BenchData.Uniform((long)_n * _d, 8);
        var bias = BenchData.Uniform(_d, 9);
        var output = new float[_batch * _d];
        var t = Timing.Measure(() => SparseOps.Decode(v, idx, w, bias, _batch, _k, _n, _d, output, _threads), budgetSeconds: _budget);
        return With(Shape("sparse_decode"), t, flops: 2.0 * _batch * _k * _d);
    }

    /// <summary>Activation gradient: dot of the output gradient with each selected decoder row.</summary>
    public JsonObject GatherDot()
    {
        var (_, idx) = Activations();
        var g = BenchData.Uniform((long)_batch * _d, 10);
        var w = BenchData.Uniform((long)_n * _d, 11);
        var result = new float[_batch * _k];
        var t = Timing.Measure(() => SparseOps.GatherDot(g, idx, w, _batch, _k, _n, _d, result, _threads), budgetSeconds: _budget);
        return With(Shape("sparse_gather_dot"), t, flops: 2.0 * _batch * _k * _d);
    }

    /// <summary>Weight gradient: scatter-add of coeff·x into the selected rows only (workspace built each call, as in a step).</summary>
    public JsonObject ScatterAdd()
    {
        var (coeff, idx) = Activations();
        var x = BenchData.Uniform((long)_batch * _d, 12);
        var grad = new float[(long)_n * _d];
        var gradBias = new float[_n];
        var workspace = new SparseWorkspace();
        var t = Timing.Measure(() =>
        {
            workspace.Build(idx, _batch, _k, _n);
            SparseOps.ScatterAddRows(coeff, x, _d, grad, gradBias, workspace, _threads);
        }, budgetSeconds: _budget);
        return With(Shape("sparse_scatter_add"), t, flops: 2.0 * _batch * _k * _d);
    }

    private (float[] Values, int[] Indices) Activations()
    {
        var rng = new Random(7);
        var v = new float[_batch * _k];
        var idx = new int[_batch * _k];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)rng.NextDouble();
            idx[i] = rng.Next(_n);
        }
        return (v, idx);
    }

    private static JsonObject With(JsonObject row, Timing.Result t, double flops)
    {
        row["median_ms"] = Math.Round(t.MedianSeconds * 1e3, 3);
        row["best_ms"] = Math.Round(t.MinSeconds * 1e3, 3);
        row["reps"] = t.Repetitions;
        if (flops > 0)
            row["gflops"] = Math.Round(flops / t.MedianSeconds / 1e9, 1);
        return row;
    }
}
