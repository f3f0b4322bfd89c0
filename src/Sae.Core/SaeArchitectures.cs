namespace Sae.Core;

/// <summary>
/// The registry of SAE families: the one place that says what each <see cref="SaeArchitecture"/>
/// is called, which settings it takes, how it trains and how it is written to disk. Everything
/// else (configs, the CLI, sweep files, checkpoints, benchmarks) asks here instead of testing for a
/// particular architecture.
/// </summary>
internal static class SaeArchitectures
{
    /// <summary>TopK as EleutherAI sparsify trains it.</summary>
    public static ArchitectureSpec TopK { get; } = new()
    {
        Id = SaeArchitecture.TopK,
        Name = "topk",
        Summary = "sparsify recipe",
        Settings = SaeSettings.K | SaeSettings.MultiTopK | SaeSettings.AuxK,
        NormalizeDecoder = true,
        // sparsify's default: 2e-4 / √(n / 2^14)
        DefaultLearningRate = c => 2e-4 / Math.Sqrt(c.Latents / 16384.0),
        DefaultLearningRateText = "2e-4/√(n/16384)",
        CreateModel = c => new TopKModel(c),
        SparsifyActivation = "topk",
        SaeLensArchitecture = "topk",
    };

    /// <summary>ReLU + L1 as SAELens' standard SAE.</summary>
    public static ArchitectureSpec ReluL1 { get; } = new()
    {
        Id = SaeArchitecture.ReluL1,
        Name = "relu",
        Summary = "SAELens ReLU + L1",
        Settings = SaeSettings.L1,
        NormalizeDecoder = false,
        // SAELens' typical learning rate
        DefaultLearningRate = _ => 3e-4,
        DefaultLearningRateText = "3e-4",
        CreateModel = c => new ReluL1Model(c),
        SparsifyActivation = "relu",
        SaeLensArchitecture = "standard",
    };

    /// <summary>
    /// BatchTopK as dictionary_learning trains it, with sparsify's TopK recipe otherwise (FVU loss,
    /// unit decoder rows, init, AuxK); saved with its inference threshold, in SAELens' layout as the
    /// JumpReLU SAE that SAELens itself saves a trained BatchTopK SAE as.
    /// </summary>
    public static ArchitectureSpec BatchTopK { get; } = new()
    {
        Id = SaeArchitecture.BatchTopK,
        Name = "batchtopk",
        Summary = "top k·batch over the whole batch, inference threshold",
        Settings = SaeSettings.K | SaeSettings.AuxK | SaeSettings.ThresholdStart,
        NormalizeDecoder = true,
        // dictionary_learning's default, the same law as sparsify's
        DefaultLearningRate = c => 2e-4 / Math.Sqrt(c.Latents / 16384.0),
        DefaultLearningRateText = "2e-4/√(n/16384)",
        CreateModel = c => new TopKModel(c, TopKSelection.Batch),
        SparsifyActivation = "batchtopk",
        SaeLensArchitecture = "jumprelu",
        SavedAsOther = true,
        ExtraTensors = [new SaeExtraTensor(BatchSelection.ThresholdName, Trained: false)],
    };

    /// <summary>
    /// AbsTopK: sparsify's TopK recipe with the activation replaced: pre without relu, keep the k
    /// entries largest in magnitude with their sign. Neither sparsify nor SAELens has it, so its
    /// cfg.json names it "abstopk" in both layouts.
    /// </summary>
    public static ArchitectureSpec AbsTopK { get; } = new()
    {
        Id = SaeArchitecture.AbsTopK,
        Name = "abstopk",
        Summary = "top k by magnitude, signed",
        Settings = SaeSettings.K | SaeSettings.MultiTopK | SaeSettings.AuxK,
        NormalizeDecoder = true,
        DefaultLearningRate = c => 2e-4 / Math.Sqrt(c.Latents / 16384.0),
        DefaultLearningRateText = "2e-4/√(n/16384)",
        CreateModel = c => new TopKModel(c, TopKSelection.PerTokenAbs),
        SparsifyActivation = "abstopk",
        SaeLensArchitecture = "abstopk",
        SignedLatents = true,
    };

    /// <summary>
    /// JumpReLU as SAELens' JumpReLUTrainingSAE trains it: f = pre·1[pre &gt; θ] with θ = exp(log_threshold)
    /// per latent, MSE + λ₀·L0, straight-through (rectangle kernel of width ε) gradients for θ; SAELens'
    /// init otherwise (as ReLU+L1). Adam trains log_threshold (kept in checkpoints); files hold
    /// threshold = exp(log_threshold), as SAELens saves it.
    /// </summary>
    public static ArchitectureSpec JumpReLU { get; } = new()
    {
        Id = SaeArchitecture.JumpReLU,
        Name = "jumprelu",
        Summary = "SAELens JumpReLU: learnt thresholds, L0 penalty",
        Settings = SaeSettings.L0 | SaeSettings.JumpRelu,
        NormalizeDecoder = false,
        DefaultLearningRate = _ => 3e-4,
        DefaultLearningRateText = "3e-4",
        CreateModel = c => new JumpReluModel(c),
        SparsifyActivation = "jumprelu",
        SaeLensArchitecture = "jumprelu",
        ExtraTensors = [new SaeExtraTensor(JumpReluModel.LogThresholdName, Trained: true, Saved: false), new SaeExtraTensor(JumpReluModel.ThresholdName, Trained: false)],
        CompleteLoaded = JumpReluModel.DeriveLogThreshold,
    };

    /// <summary>
    /// Gated SAE as SAELens' GatedTrainingSAE trains it: the gate (encoder.bias = b_gate) decides which
    /// latents fire, the magnitude path (W_enc·exp(r_mag), b_mag) how much; MSE + λ·L1 of the gate's
    /// relu weighted by decoder norms + the gate-only reconstruction loss.
    /// </summary>
    public static ArchitectureSpec Gated { get; } = new()
    {
        Id = SaeArchitecture.Gated,
        Name = "gated",
        Summary = "SAELens Gated: gate and magnitude paths, L1 + auxiliary loss",
        Settings = SaeSettings.L1,
        NormalizeDecoder = false,
        DefaultLearningRate = _ => 3e-4,
        DefaultLearningRateText = "3e-4",
        CreateModel = c => new GatedModel(c),
        SparsifyActivation = "gated",
        SaeLensArchitecture = "gated",
        SaeLensEncoderBias = "b_gate",
        ExtraTensors = [new SaeExtraTensor("r_mag", Trained: true), new SaeExtraTensor("b_mag", Trained: true)],
    };

    /// <summary>
    /// Matryoshka BatchTopK as dictionary_learning trains it (one batch selection; the prefixes of the
    /// dictionary given by the groups each reconstruct, their losses averaged) with sparsify's FVU
    /// recipe as our BatchTopK; saved with its inference threshold, in SAELens' layout as JumpReLU.
    /// </summary>
    public static ArchitectureSpec Matryoshka { get; } = new()
    {
        Id = SaeArchitecture.MatryoshkaBatchTopK,
        Name = "matryoshka",
        Summary = "Matryoshka BatchTopK: nested prefixes each reconstruct",
        Settings = SaeSettings.K | SaeSettings.AuxK | SaeSettings.ThresholdStart | SaeSettings.Groups,
        NormalizeDecoder = true,
        DefaultLearningRate = c => 2e-4 / Math.Sqrt(c.Latents / 16384.0),
        DefaultLearningRateText = "2e-4/√(n/16384)",
        CreateModel = c => new MatryoshkaModel(c),
        SparsifyActivation = "matryoshka_batchtopk",
        SaeLensArchitecture = "jumprelu",
        SavedAsOther = true,
        ExtraTensors = [new SaeExtraTensor(BatchSelection.ThresholdName, Trained: false)],
    };

    /// <summary>Every architecture, in the order help texts list them.</summary>
    public static IReadOnlyList<ArchitectureSpec> All { get; } = [TopK, ReluL1, BatchTopK, AbsTopK, JumpReLU, Gated, Matryoshka];

    /// <summary>"topk or relu": the names, for error messages.</summary>
    public static string NameList => Join(All.Select(a => a.Name).ToList());

    /// <summary>"topk (sparsify recipe) or relu (SAELens ReLU + L1)", for --arch's help.</summary>
    public static string Help => Join(All.Select(a => $"{a.Name} ({a.Summary})").ToList());

    /// <summary>The architecture registered for <paramref name="id"/>, or null for a value no one registered.</summary>
    public static ArchitectureSpec? Find(SaeArchitecture id) => All.FirstOrDefault(a => a.Id == id);

    /// <summary>The architecture registered for <paramref name="id"/>.</summary>
    public static ArchitectureSpec Get(SaeArchitecture id) =>
        Find(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, "no such SAE architecture is registered.");

    /// <summary>The architecture called <paramref name="name"/> in the CLI and sweep files, or null.</summary>
    public static ArchitectureSpec? FromName(string? name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>The architecture a cfg.json names (sparsify's activation or SAELens' architecture), or null; see also <see cref="ArchitectureSpec.SavedAsOther"/>.</summary>
    public static ArchitectureSpec? FromFileName(string? name) => name is null ? null : All.FirstOrDefault(a => a.IsNamed(name));

    /// <summary>"topk" or "topk, batchtopk or abstopk": the architectures that use <paramref name="settings"/>.</summary>
    public static string NamesUsing(SaeSettings settings) => Join(All.Where(a => a.Uses(settings)).Select(a => a.Name).ToList());

    private static string Join(List<string> names) =>
        names.Count <= 1 ? string.Concat(names) : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
}
