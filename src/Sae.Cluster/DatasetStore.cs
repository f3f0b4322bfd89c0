using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The Shard entity: puts a dataset into the store (datasets/{id}/shards/NNNNN.safetensors + ground truth +
/// manifest.json with rows, SHA-256 and statistics per shard, the manifest written last so its presence means
/// complete) and opens it for training. On a local-directory store the shards are read where they lie;
/// otherwise they are downloaded to a cache directory and checked against their SHA-256.
/// </summary>
public sealed class DatasetStore(IBlobStore blobs)
{
    /// <summary>Size bound of the local shard cache used with remote stores (`sae worker --cache-size`).</summary>
    public long CacheLimitBytes { get; init; } = 20L << 30;

    /// <summary>The id a dataset spec gets: from the synthetic recipe, or from the files' path, sizes and times.</summary>
    public static string IdOf(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string key = spec.Synthetic is { } s
            ? string.Join(",", SyntheticDataset.Recipe(s).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + $",shard_rows={spec.ShardRows}"
            : FilesKey(spec);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 6));
        return (spec.Synthetic is null ? "files-" : "synth-") + hash;
    }

    /// <summary>Imports the dataset unless the store has it; returns its reference.</summary>
    public async Task<DatasetRef> ImportAsync(DatasetSpec spec, string workDirectory, int threads, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string id = IdOf(spec);
        var existing = await blobs.ReadAsync(StoreLayout.DatasetManifest(id), cancel).ConfigureAwait(false);
        if (existing is not null)
            return RefOf(id, spec);
        string temp = Path.Combine(workDirectory, $"import-{id}");
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        long total = spec.Synthetic?.Rows ?? 0;
        if (spec.Synthetic is { } synthetic)
        {
            using var data = new SyntheticData(synthetic, threads);
            SyntheticDataset.Write(data, temp, spec.ShardRows, ShardFormat.SafeTensors, rows => progress?.Invoke(rows, total));
        }
        else
        {
            using var data = ActivationSource.Open(spec.Path!, spec.Tensor);
            total = data.Rows;
            var entries = DatasetWriter.WriteShards(data, temp, spec.ShardRows, ShardFormat.SafeTensors, rows => progress?.Invoke(rows, total));
            var source = new Dictionary<string, string> { ["path"] = spec.Path!, ["description"] = data.Description };
            new ShardManifest { D = data.Dimension, Tensor = SyntheticDataset.ShardTensor, Shards = entries, Source = source }
                .Write(Path.Combine(temp, ShardManifest.FileName));
        }
        await UploadAsync(id, temp, cancel).ConfigureAwait(false);
        Directory.Delete(temp, recursive: true);
        return RefOf(id, spec);
    }

    /// <summary>Opens the dataset's rows for training (downloading shards to <paramref name="cacheDirectory"/> on remote stores).</summary>
    public async Task<IActivationSource> OpenAsync(DatasetRef dataset, string cacheDirectory, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string? local = blobs.LocalPath(StoreLayout.DatasetManifest(dataset.Id));
        if (local is not null && File.Exists(local))
            return ActivationSource.Open(Path.GetDirectoryName(local)!, expectedDimension: dataset.D);
        string dir = await new ShardCache(blobs, cacheDirectory, CacheLimitBytes).EnsureAsync(dataset, cancel).ConfigureAwait(false);
        return ActivationSource.Open(dir, expectedDimension: dataset.D);
    }

    /// <summary>The ground-truth features [G, d] of a synthetic dataset.</summary>
    public async Task<float[]> GroundTruthAsync(DatasetRef dataset, string cacheDirectory, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string path = blobs.LocalPath(StoreLayout.GroundTruth(dataset.Id)) ?? Path.Combine(cacheDirectory, "datasets", dataset.Id, SyntheticDataset.GroundTruthFile);
        if (!File.Exists(path))
            await blobs.DownloadFileAsync(StoreLayout.GroundTruth(dataset.Id), path, cancel).ConfigureAwait(false);
        using var file = SafeTensorsFile.Open(path);
        return file.ReadFloat32("features");
    }

    private async Task UploadAsync(string id, string directory, CancellationToken cancel)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (name != ShardManifest.FileName)
                await blobs.UploadFileAsync($"{StoreLayout.Dataset(id)}/{name}", file, cancel).ConfigureAwait(false);
        }
        await blobs.UploadFileAsync(StoreLayout.DatasetManifest(id), Path.Combine(directory, ShardManifest.FileName), cancel).ConfigureAwait(false);
    }

    private static DatasetRef RefOf(string id, DatasetSpec spec)
    {
        if (spec.Synthetic is { } s)
        {
            string description = string.Create(CultureInfo.InvariantCulture,
                $"synthetic: {s.Features} features in d = {s.Dimension}, {s.Rows} rows, {s.ActivePerRow} active per row{(s.Correlated ? ", correlated" : "")} (seed {s.Seed})");
            return new DatasetRef(id, s.Dimension, s.Rows, description, s.Features);
        }
        using var data = ActivationSource.Open(spec.Path!, spec.Tensor);
        return new DatasetRef(id, data.Dimension, data.Rows, data.Description, null);
    }

    private static string FilesKey(DatasetSpec spec)
    {
        IEnumerable<string> files = Directory.Exists(spec.Path!)
            ? Directory.EnumerateFiles(spec.Path!, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [spec.Path!];
        var parts = files.Select(f => new FileInfo(f)).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        return $"tensor={spec.Tensor}|shard_rows={spec.ShardRows}|" + string.Join("|", parts);
    }
}
