using System.Globalization;

namespace Sae.Cluster;

/// <summary>
/// The one place that names blobs (design.md, "Entities"):
/// <code>
/// datasets/{dataset}/manifest.json, datasets/{dataset}/shards/NNNNN.safetensors, datasets/{dataset}/ground_truth.safetensors
/// sweeps/{sweep}/spec.json (immutable), sweeps/{sweep}/state.json
/// sweeps/{sweep}/runs/{run}/state.json, …/checkpoints/step-NNNNNNNNN/{files}, …/final/{files}
/// sweeps/{sweep}/comparisons/{a}__{b}/state.json, result.json, matches.csv
/// sweeps/{sweep}/report/{report.html, summary.json, *.csv}
/// </code>
/// </summary>
public static class StoreLayout
{
    /// <summary>The dataset folder.</summary>
    public static string Dataset(string dataset) => $"datasets/{dataset}";

    /// <summary>The dataset manifest (Shard entity).</summary>
    public static string DatasetManifest(string dataset) => $"datasets/{dataset}/manifest.json";

    /// <summary>Shard number <paramref name="index"/>.</summary>
    public static string Shard(string dataset, int index) => string.Create(CultureInfo.InvariantCulture, $"datasets/{dataset}/shards/{index:D5}.safetensors");

    /// <summary>The ground-truth features of a synthetic dataset.</summary>
    public static string GroundTruth(string dataset) => $"datasets/{dataset}/ground_truth.safetensors";

    /// <summary>The sweep folder.</summary>
    public static string Sweep(string sweep) => $"sweeps/{sweep}";

    /// <summary>The sweep's immutable definition.</summary>
    public static string SweepSpec(string sweep) => $"sweeps/{sweep}/spec.json";

    /// <summary>The sweep's state document.</summary>
    public static string SweepState(string sweep) => $"sweeps/{sweep}/state.json";

    /// <summary>A run's folder.</summary>
    public static string Run(string sweep, string run) => $"sweeps/{sweep}/runs/{run}";

    /// <summary>A run's state document.</summary>
    public static string RunState(string sweep, string run) => $"{Run(sweep, run)}/state.json";

    /// <summary>The folder of all a run's checkpoints.</summary>
    public static string Checkpoints(string sweep, string run) => $"{Run(sweep, run)}/checkpoints";

    /// <summary>One checkpoint's folder.</summary>
    public static string Checkpoint(string sweep, string run, long step) =>
        string.Create(CultureInfo.InvariantCulture, $"{Checkpoints(sweep, run)}/step-{step:D9}");

    /// <summary>The step of a checkpoint blob name ("…/checkpoints/step-000000200/…"), or null.</summary>
    public static long? CheckpointStep(string blob)
    {
        int at = blob.IndexOf("/checkpoints/step-", StringComparison.Ordinal);
        if (at < 0)
            return null;
        string rest = blob[(at + "/checkpoints/step-".Length)..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        return long.TryParse(slash < 0 ? rest : rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out long step) ? step : null;
    }

    /// <summary>The final SAE's folder (cfg.json, weights, metrics.json).</summary>
    public static string Final(string sweep, string run) => $"{Run(sweep, run)}/final";

    /// <summary>A comparison's id: the two run ids in order.</summary>
    public static string ComparisonId(string a, string b) => $"{a}__{b}";

    /// <summary>A comparison's folder.</summary>
    public static string Comparison(string sweep, string comparison) => $"sweeps/{sweep}/comparisons/{comparison}";

    /// <summary>A comparison's state document.</summary>
    public static string ComparisonState(string sweep, string comparison) => $"{Comparison(sweep, comparison)}/state.json";

    /// <summary>A comparison's result (summary, shared latents, matched-cosine histograms).</summary>
    public static string ComparisonResult(string sweep, string comparison) => $"{Comparison(sweep, comparison)}/result.json";

    /// <summary>A comparison's per-latent matches.</summary>
    public static string ComparisonMatches(string sweep, string comparison) => $"{Comparison(sweep, comparison)}/matches.csv";

    /// <summary>The report folder.</summary>
    public static string Report(string sweep) => $"sweeps/{sweep}/report";
}
