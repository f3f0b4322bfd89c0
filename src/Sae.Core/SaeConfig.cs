namespace Sae.Core;

/// <summary>
/// The shape and recipe of one SAE, independent of the seed. Validated when built: an invalid
/// setting throws <see cref="SaeInputException"/> naming the setting and its allowed range.
/// </summary>
public sealed record SaeConfig
{
    /// <summary>Creates and validates a configuration.</summary>
    public SaeConfig(SaeArchitecture architecture, int dimension, int latents, int k = 32, double l1Coefficient = 1e-3, int l1WarmupSteps = 0,
        bool multiTopK = false, double auxKAlpha = 0, long deadTokens = 10_000_000, int thresholdStartStep = 1000,
        double l0Coefficient = 1.0, int l0WarmupSteps = 0, double jumpReluBandwidth = 0.05, double jumpReluInitThreshold = 0.01,
        IReadOnlyList<int>? groups = null)
    {
        Architecture = architecture;
        Dimension = dimension;
        Latents = latents;
        K = k;
        L1Coefficient = l1Coefficient;
        L1WarmupSteps = l1WarmupSteps;
        MultiTopK = multiTopK;
        AuxKAlpha = auxKAlpha;
        DeadTokens = deadTokens;
        ThresholdStartStep = thresholdStartStep;
        L0Coefficient = l0Coefficient;
        L0WarmupSteps = l0WarmupSteps;
        JumpReluBandwidth = jumpReluBandwidth;
        JumpReluInitThreshold = jumpReluInitThreshold;
        if (groups is { Count: > 0 } && SaeArchitectures.Find(architecture) is { } named && !named.Uses(SaeSettings.Groups))
            throw new SaeInputException($"--groups applies to --arch {SaeArchitectures.NamesUsing(SaeSettings.Groups)} only.");
        // kept as text so that record equality compares the sizes, not an array reference
        GroupsText = string.Join(",", groups is null || groups.Count == 0 ? DefaultGroups(latents, k) : groups);
        Validate();
    }

    /// <summary>The SAE family (see <see cref="SaeArchitectures"/> for what each one uses).</summary>
    public SaeArchitecture Architecture { get; }

    /// <summary>d_in: the width of the activations.</summary>
    public int Dimension { get; }

    /// <summary>n: the number of latents (dictionary size).</summary>
    public int Latents { get; }

    /// <summary>TopK: active latents per token.</summary>
    public int K { get; }

    /// <summary>ReLU+L1: the L1 coefficient λ.</summary>
    public double L1Coefficient { get; }

    /// <summary>ReLU+L1: steps over which λ ramps linearly from 0 (SAELens' l1_warm_up_steps; 0 = off).</summary>
    public int L1WarmupSteps { get; }

    /// <summary>TopK: sparsify's multi_topk, adding FVU(top 4k)/8 to the loss.</summary>
    public bool MultiTopK { get; }

    /// <summary>TopK: weight of sparsify's AuxK loss (0 = off; OpenAI used 1/32): dead latents fit the residual.</summary>
    public double AuxKAlpha { get; }

    /// <summary>A latent not selected for more than this many tokens is dead (sparsify's dead_feature_threshold).</summary>
    public long DeadTokens { get; }

    /// <summary>BatchTopK: the inference threshold is first measured after this step (dictionary_learning's threshold_start_step).</summary>
    public int ThresholdStartStep { get; }

    /// <summary>JumpReLU: the L0 penalty's coefficient (SAELens' l0_coefficient, default 1).</summary>
    public double L0Coefficient { get; }

    /// <summary>JumpReLU: steps over which the L0 coefficient ramps linearly from 0 (SAELens' l0_warm_up_steps; 0 = off).</summary>
    public int L0WarmupSteps { get; }

    /// <summary>JumpReLU: the straight-through estimator's kernel width ε (SAELens' jumprelu_bandwidth, default 0.05).</summary>
    public double JumpReluBandwidth { get; }

    /// <summary>JumpReLU: every latent's threshold at step 0 (SAELens' jumprelu_init_threshold, default 0.01).</summary>
    public double JumpReluInitThreshold { get; }

    /// <summary>
    /// Matryoshka: the sizes of the dictionary's consecutive groups (dictionary_learning's group_sizes),
    /// summing to n; prefix g (the first g groups) is one nested SAE. Default: prefixes of n/8, n/4, n/2
    /// and n latents (those at least k wide), i.e. groups n/8, n/8, n/4, n/2.
    /// </summary>
    public IReadOnlyList<int> Groups => GroupsText.Length == 0 ? [] : GroupsText.Split(',').Select(int.Parse).ToArray();

    /// <summary>
    /// The default groups for <paramref name="latents"/> latents and <paramref name="k"/> (see
    /// <see cref="Groups"/>): prefixes of n/8, n/4, n/2 and n latents, leaving out those smaller than k.
    /// </summary>
    public static int[] DefaultGroups(int latents, int k)
    {
        var prefixes = new[] { latents / 8, latents / 4, latents / 2, latents }.Where(w => w >= Math.Max(k, 1)).Distinct().ToList();
        if (prefixes.Count == 0)
            return [Math.Max(latents, 0)];
        return prefixes.Select((w, i) => i == 0 ? w : w - prefixes[i - 1]).ToArray();
    }

    /// <summary>"32,32,64,128": the groups as --groups takes them.</summary>
    public string GroupsText { get; }

    /// <summary>sparsify's normalize_decoder: unit-norm decoder rows (the TopK family).</summary>
    public bool NormalizeDecoder => Spec.NormalizeDecoder;

    /// <summary>What the registry knows about <see cref="Architecture"/>.</summary>
    internal ArchitectureSpec Spec => SaeArchitectures.Get(Architecture);

    private void Validate()
    {
        var spec = SaeArchitectures.Find(Architecture)
            ?? throw new SaeInputException($"--arch must be {SaeArchitectures.NameList} (got {Architecture}).");
        if (Dimension < 1)
            throw new SaeInputException($"the activation dimension d must be >= 1 (got {Dimension}).");
        if (Latents < 1)
            throw new SaeInputException($"--latents must be >= 1 (got {Latents}).");
        if ((long)Latents * Dimension > int.MaxValue)
            throw new SaeInputException($"--latents {Latents} × d {Dimension} exceeds the largest weight matrix ({int.MaxValue} elements).");
        if (spec.Uses(SaeSettings.K) && (K < 1 || K > Latents))
            throw new SaeInputException($"--k must be between 1 and --latents = {Latents} (got {K}).");
        if (spec.Uses(SaeSettings.L1) && !(L1Coefficient >= 0 && double.IsFinite(L1Coefficient)))
            throw new SaeInputException($"--l1 must be a finite number >= 0 (got {L1Coefficient}).");
        if (!(AuxKAlpha >= 0 && double.IsFinite(AuxKAlpha)))
            throw new SaeInputException($"--auxk-alpha must be a finite number >= 0 (got {AuxKAlpha}).");
        if (DeadTokens < 1)
            throw new SaeInputException($"--dead-tokens must be >= 1 (got {DeadTokens}).");
        if (MultiTopK && !spec.Uses(SaeSettings.MultiTopK))
            throw new SaeInputException($"--multi-topk applies to --arch {SaeArchitectures.NamesUsing(SaeSettings.MultiTopK)} only.");
        if (AuxKAlpha > 0 && !spec.Uses(SaeSettings.AuxK))
            throw new SaeInputException($"--auxk-alpha applies to --arch {SaeArchitectures.NamesUsing(SaeSettings.AuxK)} only.");
        if (ThresholdStartStep < 0)
            throw new SaeInputException($"--threshold-start-step must be >= 0 (got {ThresholdStartStep}).");
        if (L1WarmupSteps < 0)
            throw new SaeInputException($"--l1-warmup-steps must be >= 0 (got {L1WarmupSteps}).");
        if (spec.Uses(SaeSettings.L0) && !(L0Coefficient >= 0 && double.IsFinite(L0Coefficient)))
            throw new SaeInputException($"--l0 must be a finite number >= 0 (got {L0Coefficient}).");
        if (L0WarmupSteps < 0)
            throw new SaeInputException($"--l0-warmup-steps must be >= 0 (got {L0WarmupSteps}).");
        if (spec.Uses(SaeSettings.JumpRelu) && !(JumpReluBandwidth > 0 && double.IsFinite(JumpReluBandwidth)))
            throw new SaeInputException($"--jumprelu-bandwidth must be a finite number > 0 (got {JumpReluBandwidth}).");
        if (spec.Uses(SaeSettings.JumpRelu) && !(JumpReluInitThreshold > 0 && double.IsFinite(JumpReluInitThreshold)))
            throw new SaeInputException($"--jumprelu-init-threshold must be a finite number > 0 (got {JumpReluInitThreshold}).");
        if (spec.Uses(SaeSettings.Groups))
        {
            if (Groups.Any(g => g < 1))
                throw new SaeInputException($"--groups must all be >= 1 (got {GroupsText}).");
            if (Groups.Sum(g => (long)g) != Latents)
                throw new SaeInputException($"--groups must sum to --latents = {Latents} (got {GroupsText}, sum {Groups.Sum(g => (long)g)}).");
            if (Groups[0] < K)
                throw new SaeInputException($"--groups: the first group ({Groups[0]} latents) must hold at least --k = {K} latents.");
        }
    }
}
