using System.Globalization;
using Sae.Core;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sae.Cluster;

/// <summary>Reads a sweep file (YAML, or JSON which is YAML too) into a validated <see cref="SweepSpec"/>; every mistake is a one-line <see cref="SaeInputException"/> naming the key.</summary>
public static class SweepSpecReader
{
    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    public static SweepSpec Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SaeInputException($"{path}: no such sweep file.", e);
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Parses and validates sweep text; relative dataset paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static SweepSpec Parse(string text, string origin, string baseDirectory)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        SweepSpecFile? file;
        try
        {
            file = deserializer.Deserialize<SweepSpecFile?>(text);
        }
        catch (YamlException e)
        {
            string reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            var unknown = System.Text.RegularExpressions.Regex.Match(reason, "^Property '(?<key>[^']*)' not found on type");
            if (unknown.Success)
                reason = $"unknown key '{unknown.Groups["key"].Value}' (every key is listed in examples/sweep.yaml)";
            throw new SaeInputException($"{origin}: line {e.Start.Line}: {reason}", e);
        }
        if (file is null)
            throw new SaeInputException($"{origin}: the sweep file is empty.");
        return Build(file, origin, baseDirectory);
    }

    private static SweepSpec Build(SweepSpecFile f, string origin, string baseDirectory)
    {
        string name = f.Name ?? "sweep";
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new SaeInputException($"{origin}: name must be 1-64 letters, digits, '-' or '_' (got '{name}').");
        var dataset = SweepDatasets.Build(f.Dataset, origin, baseDirectory, out int dimension, out string datasetKey);
        var t = f.Training ?? new TrainingFile();
        var seeds = Seeds(f.Seeds, origin);
        var cells = SweepGrid.Cells(f.Grid, t, dimension, datasetKey, origin);
        var comparison = Comparison(f.Comparison ?? new ComparisonFile(), dataset, origin);
        var resources = Resources(f.Resources ?? new ResourcesFile(), seeds.Count, origin);
        long checkpointEvery = t.CheckpointEvery ?? 200;
        if (checkpointEvery < 1)
            throw new SaeInputException($"{origin}: training.checkpoint_every must be >= 1 (got {checkpointEvery}).");
        var format = (t.Format ?? "sparsify") switch
        {
            "sparsify" => SaeFileLayout.Sparsify,
            "saelens" => SaeFileLayout.SaeLens,
            var other => throw new SaeInputException($"{origin}: training.format must be sparsify or saelens (got '{other}')."),
        };
        return new SweepSpec(name, dataset, cells, seeds, comparison, resources, checkpointEvery, format);
    }

    private static List<ulong> Seeds(object? value, string origin)
    {
        switch (value)
        {
            case null:
                return [0, 1, 2, 3];
            case string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int count):
                if (count is < 2 or > 1000)
                    throw new SaeInputException($"{origin}: seeds must be a count between 2 and 1000 or a list (got {count}).");
                return Enumerable.Range(0, count).Select(i => (ulong)i).ToList();
            case List<object> list:
                var seeds = list.Select(o => ulong.TryParse(o as string, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v
                    : throw new SaeInputException($"{origin}: seeds must be non-negative integers (got '{o}').")).ToList();
                if (seeds.Count < 2 || seeds.Distinct().Count() != seeds.Count)
                    throw new SaeInputException($"{origin}: seeds must list at least two different seeds (got [{string.Join(", ", seeds)}]).");
                return seeds;
            default:
                throw new SaeInputException($"{origin}: seeds must be a count or a list of integers (got '{value}').");
        }
    }

    private static ComparisonSettings Comparison(ComparisonFile c, DatasetSpec dataset, string origin)
    {
        double threshold = c.Threshold ?? 0.7;
        if (!(threshold is >= 0 and <= 1))
            throw new SaeInputException($"{origin}: comparison.threshold must be between 0 and 1 (got {threshold}).");
        string groundTruth = c.GroundTruth ?? "auto";
        if (groundTruth is not ("auto" or "none") && !File.Exists(groundTruth))
            throw new SaeInputException($"{origin}: comparison.ground_truth must be auto, none or an existing file (got '{groundTruth}').");
        if (groundTruth == "auto" && dataset.Synthetic is null)
            groundTruth = "none";
        long budget;
        try
        {
            budget = c.MemoryBudget is null ? 8L << 30 : ByteSize.Parse(c.MemoryBudget, "comparison.memory_budget");
        }
        catch (SaeInputException e)
        {
            throw new SaeInputException($"{origin}: {e.Message}", e);
        }
        return new ComparisonSettings(threshold, groundTruth, budget);
    }

    private static ResourceSettings Resources(ResourcesFile r, int seedCount, string origin)
    {
        int workers = r.Workers ?? 1;
        if (workers is < 1 or > 256)
            throw new SaeInputException($"{origin}: resources.workers must be between 1 and 256 (got {workers}).");
        int threads = r.ThreadsPerWorker ?? Math.Max(1, Environment.ProcessorCount / workers);
        int perJob = r.SeedsPerJob ?? seedCount, failures = r.MaxFailures ?? 3;
        double lease = r.LeaseSeconds ?? 60;
        if (threads is < 1 or > 1024)
            throw new SaeInputException($"{origin}: resources.threads_per_worker must be between 1 and 1024 (got {threads}).");
        if (perJob < 1)
            throw new SaeInputException($"{origin}: resources.seeds_per_job must be >= 1 (got {perJob}).");
        if (failures is < 1 or > 100)
            throw new SaeInputException($"{origin}: resources.max_failures must be between 1 and 100 (got {failures}).");
        if (!(lease is >= 1 and <= 86400))
            throw new SaeInputException($"{origin}: resources.lease_seconds must be between 1 and 86400 (got {lease}).");
        return new ResourceSettings(workers, threads, Math.Min(perJob, seedCount), failures, lease);
    }
}
