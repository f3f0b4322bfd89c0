using System.Collections.Concurrent;
using System.Security.Cryptography;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// A worker's size-bounded local copy of datasets from a remote store: shards are downloaded once, checked against
/// their SHA-256 from the manifest (once per process), and when the cache would outgrow its limit the least recently
/// used files of other datasets are deleted first. CACHE/datasets/{id}/manifest.json + shards/….
/// </summary>
internal sealed class ShardCache(IBlobStore blobs, string directory, long limitBytes)
{
    private static readonly ConcurrentDictionary<string, bool> Verified = new();

    /// <summary>The local directory of <paramref name="dataset"/>, complete and verified.</summary>
    public async Task<string> EnsureAsync(DatasetRef dataset, CancellationToken cancel)
    {
        string dir = Path.Combine(directory, "datasets", dataset.Id);
        string manifestPath = Path.Combine(dir, ShardManifest.FileName);
        if (!File.Exists(manifestPath))
            await blobs.DownloadFileAsync(StoreLayout.DatasetManifest(dataset.Id), manifestPath, cancel).ConfigureAwait(false);
        var manifest = ShardManifest.Read(manifestPath);
        long needed = manifest.Shards.Sum(s => s.Rows) * dataset.D * sizeof(float);
        if (needed > limitBytes)
            throw new SaeInputException($"--cache-size {PairSizes(limitBytes)} is smaller than dataset {dataset.Id} ({PairSizes(needed)}); raise it.");
        Evict(dir, needed);
        foreach (var shard in manifest.Shards)
        {
            string file = Path.Combine(dir, shard.File);
            if (!File.Exists(file))
                await blobs.DownloadFileAsync($"{StoreLayout.Dataset(dataset.Id)}/{shard.File}", file, cancel).ConfigureAwait(false);
            if (shard.Sha256 is { } expected && Verified.TryAdd(file, true))
                Verify(file, expected);
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        }
        return dir;
    }

    private static void Verify(string file, string expected)
    {
        string actual;
        using (var stream = File.OpenRead(file))
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
            return;
        File.Delete(file);
        Verified.TryRemove(file, out _);
        throw new InvalidDataException($"{file}: SHA-256 {actual} does not match the manifest's {expected}; the cached copy was deleted and is fetched again on the next attempt.");
    }

    // least recently used files of other datasets go first
    private void Evict(string keep, long needed)
    {
        string root = Path.Combine(directory, "datasets");
        if (!Directory.Exists(root))
            return;
        var files = Directory.EnumerateFiles(root, "*.safetensors", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        long used = files.Where(f => !f.FullName.StartsWith(keep, StringComparison.Ordinal)).Sum(f => f.Length);
        foreach (var f in files.Where(f => !f.FullName.StartsWith(keep, StringComparison.Ordinal)).OrderBy(f => f.LastWriteTimeUtc))
        {
            if (used + needed <= limitBytes)
                break;
            used -= f.Length;
            f.Delete();
        }
    }

    private static string PairSizes(long bytes) => Sae.Matching.PairComparison.FormatBytes(bytes);
}
