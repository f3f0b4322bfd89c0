namespace Sae.Core;

/// <summary>Opens training activations from files: one .npy or .safetensors file, a manifest.json, or a directory of shards.</summary>
public static class ActivationSource
{
    /// <summary>
    /// Opens <paramref name="path"/> as an <see cref="IActivationSource"/>:
    /// <list type="bullet">
    /// <item>a .npy file (2-D, '&lt;f4' or '&lt;f2');</item>
    /// <item>a .safetensors file: the 2-D tensor <paramref name="tensorName"/>, or its only tensor (F32, F16, BF16, F64);</item>
    /// <item>a directory with manifest.json: the shards it lists, in order, with their row counts checked;</item>
    /// <item>a directory without one: every *.npy and *.safetensors file in it (not in subdirectories,
    /// not hidden), in ordinal name order;</item>
    /// <item>a manifest.json file itself.</item>
    /// </list>
    /// Headers are validated now; rows are read on demand.
    /// </summary>
    /// <param name="path">File or directory.</param>
    /// <param name="tensorName">Tensor to read from safetensors files (null: the manifest's, else the only one).</param>
    /// <param name="expectedDimension">When set, d must equal it (e.g. the d_in of an SAE being resumed).</param>
    /// <exception cref="SaeInputException">Anything wrong with the files: the message names the file, the tensor and the numbers.</exception>
    public static IActivationSource Open(string path, string? tensorName = null, int? expectedDimension = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            string manifest = Path.Combine(path, ShardManifest.FileName);
            return File.Exists(manifest) ? FromManifest(path, manifest, tensorName, expectedDimension) : FromDirectory(path, tensorName, expectedDimension);
        }
        if (!File.Exists(path))
            throw new SaeInputException($"{path}: no such file or directory.");
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return FromManifest(path, path, tensorName, expectedDimension);
        if (!ActivationShard.IsShardFile(path))
            throw new SaeInputException($"{path}: unsupported file type (expected .npy, .safetensors, a manifest.json or a directory of shards).");
        return new ShardedActivationSource(path, [ActivationShard.Open(path, tensorName)], expectedDimension);
    }

    private static ShardedActivationSource FromDirectory(string dir, string? tensorName, int? expectedDimension)
    {
        var files = Directory.EnumerateFiles(dir)
            .Where(f => ActivationShard.IsShardFile(f) && !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        return OpenAll(dir, files.Select(f => (f, (long?)null)).ToList(), tensorName, expectedDimension, null);
    }

    private static ShardedActivationSource FromManifest(string displayPath, string manifestPath, string? tensorName, int? expectedDimension)
    {
        var manifest = ShardManifest.Read(manifestPath);
        string dir = Path.GetDirectoryName(manifestPath) ?? ".";
        var files = manifest.Shards.Select(s => (Path.Combine(dir, s.File), (long?)s.Rows)).ToList();
        return OpenAll(displayPath, files, tensorName ?? manifest.Tensor, expectedDimension, manifest.D is int d ? (d, manifestPath) : null);
    }

    /// <summary>Opens every shard, checking listed row counts and the manifest's d; disposes what was opened on failure.</summary>
    private static ShardedActivationSource OpenAll(
        string path, List<(string File, long? Rows)> files, string? tensorName, int? expectedDimension, (int D, string Manifest)? stated)
    {
        var shards = new List<ActivationShard>(files.Count);
        try
        {
            foreach (var (file, rows) in files)
            {
                shards.Add(ActivationShard.Open(file, tensorName));
                var region = shards[^1].Region;
                if (rows is long r && region.Rows != r)
                    throw new SaeInputException($"{region.Describe()} has {region.Rows} rows but {ShardManifest.FileName} lists {r}.");
                if (stated is var (d, manifest) && region.Cols != d)
                    throw new SaeInputException($"{region.Describe()} has d = {region.Cols} but {manifest} says d = {d}.");
            }
        }
        catch
        {
            shards.ForEach(s => s.Dispose());
            throw;
        }
        return new ShardedActivationSource(path, shards, expectedDimension);
    }
}
