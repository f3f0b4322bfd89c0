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
    public JsonObject Identity(IActivationSource data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var identity = new JsonObject();
        // the SAE's settings, as its architecture names them (ArchitectureSpec.WriteIdentity)
        Sae.Spec.WriteIdentity(identity, Sae);
        identity["batch_size"] = Train.BatchSize;
        identity["steps"] = Train.Steps;
        identity["lr"] = Train.ResolveLearningRate(Sae);
        identity["lr_warmup_steps"] = Train.WarmupSteps;
        identity["lr_decay"] = Train.Decay == LearningRateDecay.Linear ? "linear" : "none";
        identity["grad_clip"] = Train.GradClip;
        identity["adam"] = new JsonArray(Train.Beta1, Train.Beta2, Train.Epsilon);
        identity["data_seed"] = Train.DataSeed;
        identity["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray());
        identity["format"] = Format == SaeFileLayout.Sparsify ? "sparsify" : "saelens";
        identity["data"] = new JsonObject { ["description"] = data.Description, ["rows"] = data.Rows, ["d"] = data.Dimension };
        return identity;
    }
}
