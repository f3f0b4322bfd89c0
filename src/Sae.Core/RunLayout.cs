namespace Sae.Core;

/// <summary>
/// The one place that names a training run's files: OUT/train.json (the job), and per seed
/// OUT/seed{S}/ with the final SAE (cfg.json + weights), metrics.json, and
/// checkpoints/step-{step:D9}/ (the SAE plus state.safetensors: Adam moments, step, data cursor,
/// dead-latent counters; state is written last, so its presence marks a complete checkpoint).
/// </summary>
public sealed class RunLayout(string root)
{
    /// <summary>OUT.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>OUT/train.json.</summary>
    public string JobFile => Path.Combine(Root, "train.json");

    /// <summary>OUT/seed{S}.</summary>
    public string SeedDirectory(ulong seed) => Path.Combine(Root, $"seed{seed}");

    /// <summary>OUT/seed{S}/metrics.json.</summary>
    public string MetricsFile(ulong seed) => Path.Combine(SeedDirectory(seed), "metrics.json");

    /// <summary>OUT/seed{S}/checkpoints/step-{step:D9}.</summary>
    public string Checkpoint(ulong seed, long step) => Path.Combine(SeedDirectory(seed), "checkpoints", $"step-{step:D9}");

    /// <summary>The trainer state file of a checkpoint.</summary>
    public static string StateFile(string checkpoint) => Path.Combine(checkpoint, StateFileName);

    /// <summary>The name of a checkpoint's trainer state file (written last: its presence marks a complete checkpoint).</summary>
    public const string StateFileName = "state.safetensors";

    /// <summary>The largest step with a complete checkpoint for every seed, or null.</summary>
    public long? LatestCompleteCheckpoint(IReadOnlyList<ulong> seeds)
    {
        var dir = Path.Combine(SeedDirectory(seeds[0]), "checkpoints");
        if (!Directory.Exists(dir))
            return null;
        var steps = Directory.GetDirectories(dir, "step-*")
            .Select(p => long.TryParse(Path.GetFileName(p)["step-".Length..], out long s) ? s : -1)
            .Where(s => s >= 0)
            .OrderDescending();
        foreach (long step in steps)
        {
            if (seeds.All(seed => File.Exists(StateFile(Checkpoint(seed, step)))))
                return step;
        }
        return null;
    }
}
