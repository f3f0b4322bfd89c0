using System.CommandLine;
using System.Diagnostics;
using Sae.Core;

namespace Sae.Cli.Commands;

/// <summary><c>sae data</c>: make synthetic activations with known features, and check activation files load.</summary>
internal static class DataCommand
{
    /// <summary>Seconds between progress lines on stderr (none at all for runs shorter than this).</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var command = new Command("data", "Activation data: generate a synthetic dataset with known features (synth), check that files load (inspect), or upload them to a store (push).");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(DataPushCommand.Create());
        return command;
    }

    private static Command Synth()
    {
        var output = new Option<string?>("--out", "-o") { Description = "Directory to create (must not exist or be empty): shards/, ground_truth.safetensors, manifest.json." };
        var features = new Option<int>("--features") { Description = "G: ground-truth feature directions (unit vectors).", DefaultValueFactory = _ => 512 };
        var dim = new Option<int>("--dim") { Description = "d: values per row.", DefaultValueFactory = _ => 128 };
        var rows = new Option<long>("--rows") { Description = "Rows to generate.", DefaultValueFactory = _ => 100_000 };
        var active = new Option<double>("--active") { Description = "Expected active features per row; feature i fires with probability ∝ 0.99^i.", DefaultValueFactory = _ => 5.0 };
        var correlated = new Option<bool>("--correlated") { Description = "Correlate feature activity (thresholded multivariate normal, rank-8 factor model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the features, activity and magnitudes.", DefaultValueFactory = _ => 0 };
        var shardRows = new Option<int>("--shard-rows") { Description = "Rows per shard file.", DefaultValueFactory = _ => 65_536 };
        var format = new Option<string>("--format") { Description = "Shard format: safetensors (tensor \"activations\", F32) or npy ('<f4').", DefaultValueFactory = _ => "safetensors" };
        var threads = new Option<int>("--threads", "-t") { Description = "Threads to use (default: all cores); the data does not depend on it.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("synth",
            "Generate activations x = Σ cᵢ·gᵢ from G known unit directions gᵢ (Sharkey et al. 2022): feature i is active with probability "
            + "∝ 0.99^i scaled to --active per row, magnitude cᵢ ~ U(0,1]. Reproducible from --seed: any row, any thread count.")
        {
            output, features, dim, rows, active, correlated, seed, shardRows, format, threads,
        };
        command.SetAction(parse =>
        {
            string outDir = parse.GetValue(output) ?? throw new UserErrorException("--out is required: the directory to write the dataset to.");
            var shardFormat = parse.GetValue(format) switch
            {
                "safetensors" => ShardFormat.SafeTensors,
                "npy" => ShardFormat.Npy,
                var f => throw new UserErrorException($"--format must be safetensors or npy (got '{f}')."),
            };
            int t = parse.GetValue(threads);
            if (t < 1)
                throw new UserErrorException($"--threads must be at least 1 (got {t}).");
            var spec = new SyntheticDataSpec(parse.GetValue(features), parse.GetValue(dim), parse.GetValue(rows), parse.GetValue(active), parse.GetValue(correlated), parse.GetValue(seed));
            int perShard = parse.GetValue(shardRows);
            SyntheticDataset.CheckShardRows(perShard, spec.Dimension);
            if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
                throw new UserErrorException($"--out {outDir}: directory is not empty; choose a new one or remove it.");
            if (File.Exists(outDir))
                throw new UserErrorException($"--out {outDir}: is a file; give a directory.");
            return RunSynth(spec, outDir, perShard, shardFormat, t);
        });
        return command;
    }

    private static int RunSynth(SyntheticDataSpec spec, string outDir, int shardRows, ShardFormat format, int threads)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        using var data = new SyntheticData(spec, threads);
        var (shards, bytes) = SyntheticDataset.Write(data, outDir, shardRows, format, written =>
        {
            if (clock.Elapsed - lastReport < ProgressInterval || written == spec.Rows)
                return;
            lastReport = clock.Elapsed;
            Console.Error.WriteLine($"synth: {written}/{spec.Rows} rows ({100.0 * written / spec.Rows:F0}%), {clock.Elapsed.TotalSeconds:F0} s");
        });
        Console.WriteLine(
            $"synth: wrote {spec.Rows} rows × d = {spec.Dimension} ({spec.Features} features, {spec.ActivePerRow} active per row, "
            + $"{(spec.Correlated ? "correlated" : "independent")}, seed {spec.Seed}) to {outDir}: {shards} shard(s), "
            + $"{bytes / 1048576.0:F1} MiB, {clock.Elapsed.TotalSeconds:F2} s");
        return 0;
    }

    private static Command Inspect()
    {
        var path = new Argument<string>("path") { Description = "A .npy or .safetensors file, a manifest.json, or a directory of shards." };
        var tensor = new Option<string?>("--tensor") { Description = "Tensor to read from safetensors files (default: the manifest's, or the only one)." };
        var sample = new Option<int>("--sample") { Description = "Rows to read, evenly spaced, for the statistics (all values are checked to be finite).", DefaultValueFactory = _ => 4096 };
        var verify = new Option<bool>("--verify") { Description = "Also check every shard's SHA-256 against manifest.json (reads every file once)." };
        var command = new Command("inspect", "Open activations as training would and print rows, d, the shards with their dtypes, and statistics of a sample.")
        {
            path, tensor, sample, verify,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(sample);
            if (n < 1)
                throw new UserErrorException($"--sample must be at least 1 (got {n}).");
            return RunInspect(parse.GetValue(path)!, parse.GetValue(tensor), n, parse.GetValue(verify));
        });
        return command;
    }

    private static int RunInspect(string path, string? tensor, int sample, bool verify)
    {
        string? manifest = Directory.Exists(path) ? Path.Combine(path, ShardManifest.FileName) : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path : null;
        if (verify && (manifest is null || !File.Exists(manifest)))
            throw new UserErrorException($"--verify: {path} has no {ShardManifest.FileName} to check the shards against.");
        using var source = ActivationSource.Open(path, tensor);
        Console.WriteLine(path);
        Console.WriteLine($"  rows    {source.Rows}");
        Console.WriteLine($"  d       {source.Dimension}");
        if (source is ShardedActivationSource sharded)
        {
            string root = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
            Console.WriteLine($"  shards  {sharded.Shards.Count}");
            foreach (var s in sharded.Shards.Select(s => s.Region))
            {
                string name = Path.GetRelativePath(root, s.Path);
                string t = s.Tensor is null ? "" : $"  tensor {s.Tensor}";
                Console.WriteLine($"    {name}{t}  {s.DType}  [{s.Rows}, {s.Cols}]");
            }
        }
        var (count, mean, std, norm) = SampleStatistics(source, sample);
        Console.WriteLine($"  sample  {count} rows: mean {mean:G4}, std {std:G4}, mean row norm {norm:G4}");
        if (verify)
            Console.WriteLine($"  verify  {ShardManifest.Read(manifest!).Verify(manifest!)} shard(s) match their SHA-256");
        return 0;
    }

    /// <summary>Mean and standard deviation of every value, and the mean L2 norm, over evenly spaced rows.</summary>
    private static (long Count, double Mean, double Std, double Norm) SampleStatistics(IActivationSource source, int sample)
    {
        long count = Math.Min(sample, source.Rows);
        var row = new float[source.Dimension];
        double sum = 0, squares = 0, norms = 0;
        for (long k = 0; k < count; k++)
        {
            source.ReadRows(k * source.Rows / count, row);
            double rowSquares = 0;
            foreach (float v in row)
            {
                sum += v;
                rowSquares += (double)v * v;
            }
            squares += rowSquares;
            norms += Math.Sqrt(rowSquares);
        }
        double n = (double)count * source.Dimension;
        double mean = sum / n;
        return (count, mean, Math.Sqrt(Math.Max(0, squares / n - mean * mean)), norms / count);
    }
}
