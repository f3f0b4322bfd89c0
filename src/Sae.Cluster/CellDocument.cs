using System.Text.Json.Serialization;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>One cell of a stored sweep: every SAE and optimiser setting, explicit, so workers rebuild exactly the same configs.</summary>
public sealed record CellDocument
{
    /// <summary>The cell key (also the prefix of its run ids).</summary>
    public required string Key { get; init; }

    /// <summary>The architecture's name ("topk", "relu", …; see SaeArchitectures).</summary>
    public required string Architecture { get; init; }

    /// <summary>Input dimension.</summary>
    public int D { get; init; }

    /// <summary>Latents.</summary>
    public int Latents { get; init; }

    /// <summary>k (TopK).</summary>
    public int K { get; init; }

    /// <summary>λ (ReLU+L1).</summary>
    public double L1 { get; init; }

    /// <summary>L1 warm-up steps.</summary>
    public int L1WarmupSteps { get; init; }

    /// <summary>Multi-TopK term.</summary>
    public bool MultiTopk { get; init; }

    /// <summary>AuxK coefficient.</summary>
    public double AuxkAlpha { get; init; }

    /// <summary>Tokens without firing after which a latent counts as dead.</summary>
    public long DeadTokens { get; init; }

    /// <summary>BatchTopK: the step after which the inference threshold is measured; null (not stored) for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ThresholdStartStep { get; init; }

    /// <summary>JumpReLU: the L0 coefficient; null (not stored) for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? L0 { get; init; }

    /// <summary>JumpReLU: L0 warm-up steps; null for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? L0WarmupSteps { get; init; }

    /// <summary>JumpReLU: the straight-through bandwidth; null for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? JumpreluBandwidth { get; init; }

    /// <summary>JumpReLU: the initial threshold; null for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? JumpreluInitThreshold { get; init; }

    /// <summary>Matryoshka: the group sizes; null for the others.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? Groups { get; init; }

    /// <summary>Batch size.</summary>
    public int Batch { get; init; }

    /// <summary>Steps.</summary>
    public long Steps { get; init; }

    /// <summary>Learning rate (resolved).</summary>
    public double Lr { get; init; }

    /// <summary>Warm-up steps.</summary>
    public int LrWarmupSteps { get; init; }

    /// <summary>"linear" or "none".</summary>
    public required string LrDecay { get; init; }

    /// <summary>Gradient clip, or null.</summary>
    public double? GradClip { get; init; }

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; }

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; }

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; init; }

    /// <summary>Data-order seed, or null (sequential epochs).</summary>
    public ulong? DataSeed { get; init; }

    internal static CellDocument From(CellSpec c) => new()
    {
        Key = c.Key,
        Architecture = c.Sae.Spec.Name,
        D = c.Sae.Dimension,
        Latents = c.Sae.Latents,
        K = c.Sae.K,
        L1 = c.Sae.L1Coefficient,
        L1WarmupSteps = c.Sae.L1WarmupSteps,
        MultiTopk = c.Sae.MultiTopK,
        AuxkAlpha = c.Sae.AuxKAlpha,
        DeadTokens = c.Sae.DeadTokens,
        ThresholdStartStep = c.Sae.Spec.Uses(SaeSettings.ThresholdStart) ? c.Sae.ThresholdStartStep : null,
        L0 = c.Sae.Spec.Uses(SaeSettings.L0) ? c.Sae.L0Coefficient : null,
        L0WarmupSteps = c.Sae.Spec.Uses(SaeSettings.L0) ? c.Sae.L0WarmupSteps : null,
        JumpreluBandwidth = c.Sae.Spec.Uses(SaeSettings.JumpRelu) ? c.Sae.JumpReluBandwidth : null,
        JumpreluInitThreshold = c.Sae.Spec.Uses(SaeSettings.JumpRelu) ? c.Sae.JumpReluInitThreshold : null,
        Groups = c.Sae.Spec.Uses(SaeSettings.Groups) ? c.Sae.Groups.ToArray() : null,
        Batch = c.Train.BatchSize,
        Steps = c.Train.Steps,
        Lr = c.Train.ResolveLearningRate(c.Sae),
        LrWarmupSteps = c.Train.WarmupSteps,
        LrDecay = c.Train.Decay == LearningRateDecay.Linear ? "linear" : "none",
        GradClip = c.Train.GradClip,
        Beta1 = c.Train.Beta1,
        Beta2 = c.Train.Beta2,
        Epsilon = c.Train.Epsilon,
        DataSeed = c.Train.DataSeed,
    };

    /// <summary>k when the architecture has one (results and reports), else null.</summary>
    internal int? UsedK => Spec.Uses(SaeSettings.K) ? K : null;

    /// <summary>λ₀ (JumpReLU's L0 coefficient) when the architecture has one, else null.</summary>
    internal double? UsedL0 => Spec.Uses(SaeSettings.L0) ? L0 : null;

    /// <summary>λ when the architecture has one, else null.</summary>
    internal double? UsedL1 => Spec.Uses(SaeSettings.L1) ? L1 : null;

    private ArchitectureSpec Spec => SaeArchitectures.FromName(Architecture)
        ?? throw new SaeInputException($"cell {Key}: architecture must be {SaeArchitectures.NameList} (got '{Architecture}').");

    /// <summary>The SAE configuration.</summary>
    public SaeConfig Sae() => new(Spec.Id, D, Latents, K, L1, L1WarmupSteps, MultiTopk, AuxkAlpha, DeadTokens, ThresholdStartStep ?? 1000,
        L0 ?? 1.0, L0WarmupSteps ?? 0, JumpreluBandwidth ?? 0.05, JumpreluInitThreshold ?? 0.01, Groups);

    /// <summary>The optimiser configuration with <paramref name="threads"/> kernel threads.</summary>
    public TrainConfig Train(int threads) => new(Batch, Steps, Lr, LrWarmupSteps, LrDecay == "linear" ? LearningRateDecay.Linear : LearningRateDecay.None,
        GradClip, Beta1, Beta2, Epsilon, threads, DataSeed);
}
