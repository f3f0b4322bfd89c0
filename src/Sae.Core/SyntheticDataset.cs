using System.Globalization;

namespace Sae.Core;

/// <summary>
/// Writes a <see cref="SyntheticData"/> set as a dataset directory:
/// <code>
/// DIR/shards/00000.safetensors …   "activations" [rows, d] F32 (or 00000.npy, '&lt;f4')
/// DIR/ground_truth.safetensors      "features" [G, d], "probabilities" [G] (+ "loadings" [G, K]), metadata = recipe
/// DIR/manifest.json                 shard order, rows, SHA-256, d, tensor, recipe (written last)
/// </code>
/// Every file is written atomically and the manifest last, so a directory with a manifest is complete.
/// Memory: one shard buffer (shard rows × d floats).
/// </summary>
internal static class SyntheticDataset
{
    /// <summary>Tensor name of the activations in safetensors shards.</summary>
    public const string ShardTensor = "activations";

    /// <summary>File holding the ground truth.</summary>
    public const string GroundTruthFile = "ground_truth.safetensors";

    /// <summary>Largest shard buffer, in floats (1 GiB).</summary>
    public const long MaxShardElements = 1L << 28;

    /// <summary>Writes the dataset; <paramref name="progress"/> gets the rows written so far after each shard.</summary>
    /// <returns>Number of shards and total bytes written.</returns>
    /// <exception cref="SaeInputException">The directory is not empty, or the shard size is out of range.</exception>
    public static (int Shards, long Bytes) Write(SyntheticData data, string directory, int shardRows, ShardFormat format, Action<long>? progress = null)
    {
        CheckShardRows(shardRows, data.Dimension);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new SaeInputException($"{directory}: directory is not empty; choose a new --out or remove it.");
        int d = data.Dimension;
        var entries = DatasetWriter.WriteShards(data, directory, shardRows, format, progress);
        long bytes = entries.Sum(e => new FileInfo(Path.Combine(directory, e.File)).Length);
        var recipe = Recipe(data.Spec);
        string truth = Path.Combine(directory, GroundTruthFile);
        GroundTruth(data, recipe).Write(truth);
        bytes += new FileInfo(truth).Length;
        var manifest = new ShardManifest { D = d, Tensor = format == ShardFormat.SafeTensors ? ShardTensor : null, Shards = entries, Source = recipe };
        manifest.Write(Path.Combine(directory, ShardManifest.FileName));
        return (entries.Count, bytes);
    }

    /// <summary>Throws unless 1 ≤ shardRows and shardRows × d ≤ <see cref="MaxShardElements"/>.</summary>
    public static void CheckShardRows(int shardRows, int dimension)
    {
        long max = MaxShardElements / dimension;
        if (shardRows < 1 || shardRows > max)
            throw new SaeInputException($"--shard-rows must be between 1 and {max} at --dim {dimension} (1 GiB per shard; got {shardRows}).");
    }

    /// <summary>The recipe as strings, for the manifest and the ground-truth metadata.</summary>
    public static Dictionary<string, string> Recipe(SyntheticDataSpec spec) => new(StringComparer.Ordinal)
    {
        ["generator"] = "sharkey2022",
        ["features"] = spec.Features.ToString(CultureInfo.InvariantCulture),
        ["dim"] = spec.Dimension.ToString(CultureInfo.InvariantCulture),
        ["rows"] = spec.Rows.ToString(CultureInfo.InvariantCulture),
        ["active"] = spec.ActivePerRow.ToString("R", CultureInfo.InvariantCulture),
        ["correlated"] = spec.Correlated ? "true" : "false",
        ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
        ["decay"] = SyntheticData.Decay.ToString("R", CultureInfo.InvariantCulture),
        ["magnitudes"] = "U(0,1]",
        ["correlation_factors"] = spec.Correlated ? SyntheticData.CorrelationFactors.ToString(CultureInfo.InvariantCulture) : "0",
        ["shared_variance"] = spec.Correlated ? SyntheticData.SharedVariance.ToString("R", CultureInfo.InvariantCulture) : "0",
        ["rng"] = "philox4x32-10",
    };

    private static SafeTensorsWriter GroundTruth(SyntheticData data, Dictionary<string, string> recipe)
    {
        var spec = data.Spec;
        var w = new SafeTensorsWriter()
            .AddFloat32("features", data.GroundTruth.ToArray(), spec.Features, spec.Dimension)
            .AddFloat32("probabilities", Array.ConvertAll(data.Probabilities.ToArray(), p => (float)p), spec.Features);
        if (spec.Correlated)
            w.AddFloat32("loadings", data.Loadings.ToArray(), spec.Features, SyntheticData.CorrelationFactors);
        foreach (var (k, v) in recipe)
            w.AddMetadata(k, v);
        return w;
    }
}
