using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cli.Bench;

/// <summary>
/// Times full training steps (forward, backward, decoder constraint, clipping, Adam,
/// renormalisation) on random N(0,1)-like activations, as ../shared/bench-ref/bench_sae.py does for
/// PyTorch, and reports tokens/s.
/// </summary>
internal static class TrainStepBench
{
    /// <summary>
    /// Times steps of <paramref name="arch"/>. With <paramref name="encoderBias"/> set, every encoder bias
    /// starts there: a negative value makes ReLU activations sparse, as in a trained ReLU SAE
    /// (−0.26 gives L0 ≈ 80 of 16384 at d = 768 with N(0,1) inputs and decoder rows of norm 0.1), and
    /// JumpReLU's latents mostly far below its threshold (its sparse path).
    /// </summary>
    public static JsonObject Run(SaeArchitecture arch, int batch, int n, int d, int k, double l1, int threads, double budgetSeconds,
        float? encoderBias = null)
    {
        var data = new RandomActivations(batch * 2, d);
        var sae = new SaeConfig(arch, d, n, k, l1Coefficient: l1);
        var train = new TrainConfig(batch, steps: long.MaxValue / 2, learningRate: 2e-4, warmupSteps: 0, threads: threads);
        var trainer = new Trainer(sae, train, [0], data);
        trainer.Initialize();
        if (encoderBias is { } bias)
            Array.Fill(trainer.Parameters(0).EncoderBias, bias);
        var t = Timing.Measure(trainer.RunStep, minReps: 3, budgetSeconds);
        var m = trainer.Metrics(0);
        var spec = sae.Spec;
        // ReLU+L1, JumpReLU and Gated are timed twice (dense and sparse activations); the others once, under their name
        string kernel = arch switch
        {
            SaeArchitecture.ReluL1 => encoderBias is null ? "relu_l1_dense" : "relu_l1_sparse",
            _ => encoderBias is null ? spec.Name : spec.Name + "_sparse",
        };
        return new JsonObject
        {
            ["kernel"] = "train_step_" + kernel,
            ["batch"] = batch,
            ["n"] = n,
            ["d"] = d,
            ["k"] = spec.Uses(SaeSettings.K) ? k : null,
            ["l1"] = spec.Uses(SaeSettings.L1) ? l1 : null,
            ["threads"] = threads,
            ["median_ms"] = Math.Round(t.MedianSeconds * 1e3, 1),
            ["tokens_per_s"] = Math.Round(batch / t.MedianSeconds, 0),
            ["l0"] = Math.Round(m.Loss.L0, 1),
            ["reps"] = t.Repetitions,
        };
    }

    /// <summary>Gaussian-like activations generated once, deterministic.</summary>
    private sealed class RandomActivations(int rows, int dimension) : IActivationSource
    {
        private readonly float[] _data = Normal(rows * dimension);

        public string Description => "random activations";

        public int Dimension => dimension;

        public long Rows => rows;

        public void ReadRows(long firstRow, Span<float> destination) =>
            _data.AsSpan((int)(firstRow * dimension), destination.Length).CopyTo(destination);

        public void Dispose()
        {
        }

        private static float[] Normal(int count)
        {
            var x = new float[count];
            Sae.Numerics.RandomFill.Normal(x, seed: 1, stream: 0, mean: 0f, std: 1f);
            return x;
        }
    }
}
