using System.Text.Json.Nodes;

namespace Sae.Core;

/// <summary>The settings of <see cref="SaeConfig"/> that only some architectures use.</summary>
[Flags]
internal enum SaeSettings
{
    /// <summary>None of them.</summary>
    None = 0,

    /// <summary>k, active latents per token (--k).</summary>
    K = 1,

    /// <summary>λ and its warm-up (--l1, --l1-warmup-steps).</summary>
    L1 = 2,

    /// <summary>sparsify's Multi-TopK term (--multi-topk).</summary>
    MultiTopK = 4,

    /// <summary>sparsify's AuxK term on dead latents (--auxk-alpha).</summary>
    AuxK = 8,

    /// <summary>BatchTopK's inference threshold and when it starts (--threshold-start-step).</summary>
    ThresholdStart = 16,

    /// <summary>JumpReLU's L0 penalty and its warm-up (--l0, --l0-warmup-steps).</summary>
    L0 = 32,

    /// <summary>JumpReLU's straight-through bandwidth and initial threshold (--jumprelu-bandwidth, --jumprelu-init-threshold).</summary>
    JumpRelu = 64,

    /// <summary>Matryoshka's nested groups (--groups).</summary>
    Groups = 128,
}

/// <summary>
/// Everything the code knows about one SAE family, in one place: its name in the CLI, sweep files,
/// train.json and cfg.json; which settings apply; the default learning rate; the model that trains
/// it; and the fields it writes into train.json (the run's identity) and into sparsify's and
/// SAELens' cfg.json. Registered in <see cref="SaeArchitectures"/>.
/// </summary>
internal sealed record ArchitectureSpec
{
    /// <summary>The enum value that names it in configurations.</summary>
    public required SaeArchitecture Id { get; init; }

    /// <summary>"topk", "relu", …: --arch, sweep files' architecture, train.json's architecture, cell keys.</summary>
    public required string Name { get; init; }

    /// <summary>A few words for --arch's help: "sparsify recipe".</summary>
    public required string Summary { get; init; }

    /// <summary>The settings this architecture uses; the others must keep their defaults (k and λ are ignored).</summary>
    public required SaeSettings Settings { get; init; }

    /// <summary>sparsify's normalize_decoder: unit-norm decoder rows (gradient projection and renormalisation).</summary>
    public required bool NormalizeDecoder { get; init; }

    /// <summary>The peak learning rate when --lr is not given.</summary>
    public required Func<SaeConfig, double> DefaultLearningRate { get; init; }

    /// <summary>The default learning rate as a formula, for help texts: "2e-4/√(n/16384)".</summary>
    public required string DefaultLearningRateText { get; init; }

    /// <summary>A fresh model (scratch buffers included) for one seed.</summary>
    public required Func<SaeConfig, ISaeModel> CreateModel { get; init; }

    /// <summary>sparsify's cfg.json "activation"; also SAELens' metadata.training_architecture when <see cref="SavedAsOther"/>.</summary>
    public required string SparsifyActivation { get; init; }

    /// <summary>SAELens' cfg.json "architecture": the inference class SAELens loads it as.</summary>
    public required string SaeLensArchitecture { get; init; }

    /// <summary>
    /// True when SAELens has no inference class of this name and saves it as another
    /// (<see cref="SaeLensArchitecture"/>, e.g. a trained BatchTopK SAE as "jumprelu"): our SAELens
    /// cfg.json then also says metadata.training_architecture = <see cref="SparsifyActivation"/>, which is what
    /// identifies it when loaded.
    /// </summary>
    public bool SavedAsOther { get; init; }

    /// <summary>The encoder bias's name in SAELens' layout: "b_enc", or "b_gate" for Gated (whose bias only feeds the gate).</summary>
    public string SaeLensEncoderBias { get; init; } = "b_enc";

    /// <summary>
    /// Derives the extra tensors a weights file does not hold (<see cref="SaeExtraTensor.Saved"/> false)
    /// from those it does, after loading; null when the architecture saves every tensor.
    /// </summary>
    public Action<SaeParameters>? CompleteLoaded { get; init; }

    /// <summary>
    /// True when a latent's activation can be negative (AbsTopK keeps its pre-activation's sign): then
    /// decoder row w with activation a is the same feature as −w with −a, so seeds are matched by |cos|
    /// and each matched pair records its sign (sae compare, sweeps, ground-truth recovery).
    /// </summary>
    public bool SignedLatents { get; init; }

    /// <summary>Per-latent tensors beyond the four (thresholds, gates), saved with the weights; none for TopK and ReLU+L1.</summary>
    public IReadOnlyList<SaeExtraTensor> ExtraTensors { get; init; } = [];

    /// <summary>True when every flag of <paramref name="settings"/> applies.</summary>
    public bool Uses(SaeSettings settings) => (Settings & settings) == settings;

    /// <summary>True when a cfg.json naming <paramref name="name"/> (as activation or architecture) holds this architecture.</summary>
    public bool IsNamed(string name) => name == Name || name == SparsifyActivation || (name == SaeLensArchitecture && !SavedAsOther);

    /// <summary>
    /// The SAE's part of OUT/train.json, in a fixed key order. Settings the architecture does not use
    /// are written as null (k, λ) so that the keys are the same for every architecture.
    /// </summary>
    public void WriteIdentity(JsonObject o, SaeConfig c)
    {
        o["architecture"] = Name;
        o["d_in"] = c.Dimension;
        o["num_latents"] = c.Latents;
        o["k"] = Uses(SaeSettings.K) ? c.K : null;
        o["multi_topk"] = c.MultiTopK;
        o["auxk_alpha"] = c.AuxKAlpha;
        o["dead_feature_threshold"] = c.DeadTokens;
        o["l1_coefficient"] = Uses(SaeSettings.L1) ? c.L1Coefficient : null;
        o["l1_warmup_steps"] = Uses(SaeSettings.L1) ? c.L1WarmupSteps : null;
        // keys only some architectures have come last, so the others' train.json stays as it was
        if (Uses(SaeSettings.ThresholdStart))
            o["threshold_start_step"] = c.ThresholdStartStep;
        AddSettings(o, c);
    }

    /// <summary>The settings of the newer architectures, each only where it applies (train.json and both cfg.json).</summary>
    private void AddSettings(JsonObject o, SaeConfig c)
    {
        if (Uses(SaeSettings.L0))
        {
            o["l0_coefficient"] = c.L0Coefficient;
            o["l0_warm_up_steps"] = c.L0WarmupSteps;
        }
        if (Uses(SaeSettings.JumpRelu))
        {
            o["jumprelu_bandwidth"] = c.JumpReluBandwidth;
            o["jumprelu_init_threshold"] = c.JumpReluInitThreshold;
        }
        if (Uses(SaeSettings.Groups))
            o["group_sizes"] = new JsonArray(c.Groups.Select(g => (JsonNode)g).ToArray());
    }

    /// <summary>sparsify's cfg.json (SaeConfig's fields; l1_coefficient is ours, null when unused).</summary>
    public JsonObject SparsifyConfig(SaeConfig c)
    {
        var cfg = new JsonObject
        {
            ["activation"] = SparsifyActivation,
            ["expansion_factor"] = Math.Max(1, c.Latents / c.Dimension),
            ["normalize_decoder"] = NormalizeDecoder,
            ["num_latents"] = c.Latents,
            ["k"] = c.K,
            ["multi_topk"] = c.MultiTopK,
            ["skip_connection"] = false,
            ["d_in"] = c.Dimension,
            ["l1_coefficient"] = Uses(SaeSettings.L1) ? c.L1Coefficient : null,
        };
        AddSettings(cfg, c);
        return cfg;
    }

    /// <summary>SAELens' cfg.json: its inference SAEConfig fields, then k or l1_coefficient where they apply.</summary>
    public JsonObject SaeLensConfig(SaeConfig c)
    {
        var cfg = new JsonObject
        {
            ["architecture"] = SaeLensArchitecture,
            ["d_in"] = c.Dimension,
            ["d_sae"] = c.Latents,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["apply_b_dec_to_input"] = true,
            ["normalize_activations"] = "none",
            ["reshape_activations"] = "none",
            ["metadata"] = new JsonObject { ["sae_lens_training_version"] = null, ["trained_by"] = "Orleans.Sae" },
        };
        if (SavedAsOther)
            cfg["metadata"]!["training_architecture"] = SparsifyActivation;
        if (Uses(SaeSettings.K))
            cfg["k"] = c.K;
        if (Uses(SaeSettings.L1))
            cfg["l1_coefficient"] = c.L1Coefficient;
        AddSettings(cfg, c);
        return cfg;
    }
}
