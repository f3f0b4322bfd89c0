using System.CommandLine;
using System.Globalization;
using Sae.Core;

namespace Sae.Cli.Commands;

/// <summary>The options of <c>sae train</c>, and their translation into validated configurations.</summary>
internal sealed class TrainOptions
{
    public Option<string> Data { get; } = new("--data") { Description = "Activations: a .npy or .safetensors file, or a directory of shards (manifest.json, else name order).", Required = true };
    public Option<string?> Tensor { get; } = new("--tensor") { Description = "Tensor name inside .safetensors files (default: the only tensor)." };
    public Option<string> Arch { get; } = new("--arch") { Description = SaeArchitectures.Help + ".", DefaultValueFactory = _ => "topk" };
    public Option<int> Latents { get; } = new("--latents") { Description = "Number of latents n.", Required = true };
    public Option<int> K { get; } = new("--k") { Description = $"{SaeArchitectures.NamesUsing(SaeSettings.K)}: active latents per token.", DefaultValueFactory = _ => 32 };
    public Option<double> L1 { get; } = new("--l1") { Description = "ReLU and Gated: L1 coefficient λ (SAELens default 1e-3; the right value scales with your activations' norm).", DefaultValueFactory = _ => 1e-3 };
    public Option<int> L1Warmup { get; } = new("--l1-warmup-steps") { Description = "ReLU and Gated: steps over which λ ramps up from 0.", DefaultValueFactory = _ => 0 };
    public Option<bool> MultiTopK { get; } = new("--multi-topk") { Description = "TopK: add sparsify's Multi-TopK loss, FVU(top 4k)/8." };
    public Option<double> AuxKAlpha { get; } = new("--auxk-alpha") { Description = "TopK: weight of the AuxK loss on dead latents (0 = off; 1/32 in Gao et al.).", DefaultValueFactory = _ => 0 };
    public Option<int> ThresholdStartStep { get; } = new("--threshold-start-step") { Description = "BatchTopK: steps before the inference threshold is first measured (dictionary_learning's threshold_start_step).", DefaultValueFactory = _ => 1000 };
    public Option<double> L0 { get; } = new("--l0") { Description = "JumpReLU: L0 penalty coefficient (SAELens' l0_coefficient; it weighs latents per token against the summed squared error).", DefaultValueFactory = _ => 1.0 };
    public Option<int> L0Warmup { get; } = new("--l0-warmup-steps") { Description = "JumpReLU: steps over which the L0 coefficient ramps up from 0.", DefaultValueFactory = _ => 0 };
    public Option<double> Bandwidth { get; } = new("--jumprelu-bandwidth") { Description = "JumpReLU: width ε of the straight-through estimator's rectangle kernel (SAELens default 0.05).", DefaultValueFactory = _ => 0.05 };
    public Option<double> InitThreshold { get; } = new("--jumprelu-init-threshold") { Description = "JumpReLU: every latent's threshold at step 0 (SAELens default 0.01).", DefaultValueFactory = _ => 0.01 };
    public Option<string?> Groups { get; } = new("--groups") { Description = "Matryoshka: sizes of the dictionary's nested groups, summing to --latents, e.g. 64,64,128,256 (default n/8,n/8,n/4,n/2: prefixes of n/8, n/4, n/2 and n latents, leaving out those narrower than --k)." };
    public Option<long> DeadTokens { get; } = new("--dead-tokens") { Description = "A latent not selected for more than this many tokens is dead (AuxK, metrics).", DefaultValueFactory = _ => 10_000_000 };
    public Option<string> Seeds { get; } = new("--seeds") { Description = "Seeds to train in one pass over the data, e.g. 0,1,2,3 or 0-3.", DefaultValueFactory = _ => "0" };
    public Option<long?> Tokens { get; } = new("--tokens") { Description = "Training length in tokens (rounded up to whole batches)." };
    public Option<long?> Steps { get; } = new("--steps") { Description = "Training length in optimisation steps (instead of --tokens)." };
    public Option<int> Batch { get; } = new("--batch") { Description = "Tokens per step.", DefaultValueFactory = _ => 4096 };
    public Option<string> Out { get; } = new("--out") { Description = "Output directory: OUT/seed{S}/ per seed.", Required = true };
    public Option<double?> Lr { get; } = new("--lr") { Description = $"Peak learning rate (default: {string.Join(", ", SaeArchitectures.All.Select(a => $"{a.DefaultLearningRateText} for {a.Name}"))})." };
    public Option<int> LrWarmup { get; } = new("--lr-warmup-steps") { Description = "Linear learning-rate warm-up steps (0 = off).", DefaultValueFactory = _ => 1000 };
    public Option<string> LrDecay { get; } = new("--lr-decay") { Description = "linear (to 0 at the last step) or none.", DefaultValueFactory = _ => "linear" };
    public Option<string> GradClip { get; } = new("--grad-clip") { Description = "Maximum global gradient norm, or none.", DefaultValueFactory = _ => "1.0" };
    public Option<long> SaveEvery { get; } = new("--save-every") { Description = "Write a resumable checkpoint every N steps (and at step 0); 0 = only the final SAE.", DefaultValueFactory = _ => 0 };
    public Option<int> Threads { get; } = new("--threads") { Description = "Threads (results are identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue the run in --out from its latest checkpoint." };
    public Option<string> Format { get; } = new("--format") { Description = "sparsify (cfg.json + sae.safetensors) or saelens (cfg.json + sae_weights.safetensors).", DefaultValueFactory = _ => "sparsify" };
    public Option<ulong?> DataSeed { get; } = new("--data-seed") { Description = "Shuffle the data order with this seed (a new permutation each epoch); default: file order." };
    public Option<long> MetricsEvery { get; } = new("--metrics-every") { Description = "Record metrics every N steps (default: about 100 records).", DefaultValueFactory = _ => 0 };

    public IEnumerable<Option> All => [Data, Tensor, Arch, Latents, K, L1, L1Warmup, MultiTopK, AuxKAlpha, ThresholdStartStep, L0, L0Warmup, Bandwidth, InitThreshold, Groups, DeadTokens, Seeds, Tokens, Steps, Batch, Out, Lr, LrWarmup, LrDecay, GradClip, SaveEvery, Threads, Resume, Format, MetricsEvery, DataSeed];

    /// <summary>Builds the job from parsed options and the opened data (whose d decides the SAE's).</summary>
    public TrainingJobSpec ToSpec(ParseResult r, IActivationSource data)
    {
        string? name = r.GetValue(Arch);
        var arch = SaeArchitectures.FromName(name) ?? throw new UserErrorException($"--arch must be {SaeArchitectures.NameList} (got '{name}').");
        var sae = new SaeConfig(arch.Id, data.Dimension, r.GetValue(Latents), r.GetValue(K), r.GetValue(L1), r.GetValue(L1Warmup),
            r.GetValue(MultiTopK), r.GetValue(AuxKAlpha), r.GetValue(DeadTokens), r.GetValue(ThresholdStartStep),
            r.GetValue(L0), r.GetValue(L0Warmup), r.GetValue(Bandwidth), r.GetValue(InitThreshold), ParseGroups(r.GetValue(Groups)));
        int batch = r.GetValue(Batch);
        if (batch < 1)
            throw new UserErrorException($"--batch must be >= 1 (got {batch}).");
        var train = new TrainConfig(batch, ResolveSteps(r, batch), r.GetValue(Lr), r.GetValue(LrWarmup), ParseDecay(r.GetValue(LrDecay)!),
            ParseClip(r.GetValue(GradClip)!), threads: r.GetValue(Threads), dataSeed: r.GetValue(DataSeed));
        long saveEvery = r.GetValue(SaveEvery);
        if (saveEvery < 0)
            throw new UserErrorException($"--save-every must be >= 0 (got {saveEvery}).");
        var format = r.GetValue(Format) switch
        {
            "sparsify" => SaeFileLayout.Sparsify,
            "saelens" => SaeFileLayout.SaeLens,
            var other => throw new UserErrorException($"--format must be sparsify or saelens (got '{other}')."),
        };
        return new TrainingJobSpec(sae, train, ParseSeeds(r.GetValue(Seeds)!), r.GetValue(Out)!, saveEvery, format, r.GetValue(MetricsEvery));
    }

    private long ResolveSteps(ParseResult r, int batch)
    {
        long? tokens = r.GetValue(Tokens), steps = r.GetValue(Steps);
        if (tokens is null == steps is null)
            throw new UserErrorException("give exactly one of --tokens and --steps.");
        if (steps is { } s)
            return s >= 1 ? s : throw new UserErrorException($"--steps must be >= 1 (got {s}).");
        long t = tokens!.Value;
        return t >= 1 ? (t + batch - 1) / batch : throw new UserErrorException($"--tokens must be >= 1 (got {t}).");
    }

    /// <summary>"64,64,128" → [64, 64, 128]; null or empty → null (the default groups).</summary>
    internal static int[]? ParseGroups(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var groups = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out groups[i]))
                throw new UserErrorException($"--groups must be whole numbers separated by commas, e.g. 64,64,128,256 (got '{text}').");
        }
        return groups;
    }

    private static LearningRateDecay ParseDecay(string text) => text switch
    {
        "linear" => LearningRateDecay.Linear,
        "none" => LearningRateDecay.None,
        _ => throw new UserErrorException($"--lr-decay must be linear or none (got '{text}')."),
    };

    private static double? ParseClip(string text) =>
        text == "none" ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
        : throw new UserErrorException($"--grad-clip must be a number or none (got '{text}').");

    /// <summary>Parses "0,1,2", "0-3" or a mix ("0-2,7").</summary>
    public static IReadOnlyList<ulong> ParseSeeds(string text)
    {
        var seeds = new List<ulong>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is < 1 or > 2 || !ends.All(e => ulong.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new UserErrorException($"--seeds must be non-negative integers or ranges like 0,1,2 or 0-3 (got '{text}').");
            ulong lo = ulong.Parse(ends[0], CultureInfo.InvariantCulture), hi = ulong.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (hi < lo || hi - lo > 10_000)
                throw new UserErrorException($"--seeds: range '{part}' must go upwards and hold at most 10001 seeds.");
            for (ulong s = lo; s <= hi; s++)
                seeds.Add(s);
        }
        if (seeds.Distinct().Count() != seeds.Count)
            throw new UserErrorException($"--seeds lists a seed twice ('{text}').");
        return seeds;
    }
}
