using System.Text.Json.Nodes;

namespace Sae.Core;

/// <summary>
/// One `sae train` job: what to train (SAE and optimiser settings, seeds) and where to put it.
/// <see cref="SaveEvery"/> = 0 writes no intermediate checkpoints (then only the final SAE).
/// </summary>
public sealed record TrainingJobSpec(SaeConfig Sae, TrainConfig Train, IReadOnlyList<ulong> Seeds, string OutDirectory,
    long SaveEvery = 0, SaeFileLayout Format = SaeFileLayout.Sparsify, long MetricsEvery = 0)
{
    /// <summary>Metrics are recorded every this many steps (default: about 100 records per run).</summary>
    public long EffectiveMetricsEvery => MetricsEvery > 0 ? MetricsEvery : Math.Max(1, Train.Steps / 100);

    /// <summary>The settings that decide the result, as stored in OUT/train.json (threads and checkpoint cadence excluded: they do not change a bit).</summary>
    public JsonObject Identity(IActivationSource data) => new()
    {
        ["architecture"] = Sae.Architecture == SaeArchitecture.TopK ? "topk" : "relu",
        ["d_in"] = Sae.Dimension,
        ["num_latents"] = Sae.Latents,
        ["k"] = Sae.Architecture == SaeArchitecture.TopK ? Sae.K : null,
        ["multi_topk"] = Sae.MultiTopK,
        ["auxk_alpha"] = Sae.AuxKAlpha,
        ["dead_feature_threshold"] = Sae.DeadTokens,
        ["l1_coefficient"] = Sae.Architecture == SaeArchitecture.ReluL1 ? Sae.L1Coefficient : null,
        ["l1_warmup_steps"] = Sae.Architecture == SaeArchitecture.ReluL1 ? Sae.L1WarmupSteps : null,
        ["batch_size"] = Train.BatchSize,
        ["steps"] = Train.Steps,
        ["lr"] = Train.ResolveLearningRate(Sae),
        ["lr_warmup_steps"] = Train.WarmupSteps,
        ["lr_decay"] = Train.Decay == LearningRateDecay.Linear ? "linear" : "none",
        ["grad_clip"] = Train.GradClip,
        ["adam"] = new JsonArray(Train.Beta1, Train.Beta2, Train.Epsilon),
        ["data_seed"] = Train.DataSeed,
        ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
        ["format"] = Format == SaeFileLayout.Sparsify ? "sparsify" : "saelens",
        ["data"] = new JsonObject { ["description"] = data.Description, ["rows"] = data.Rows, ["d"] = data.Dimension },
    };
}
