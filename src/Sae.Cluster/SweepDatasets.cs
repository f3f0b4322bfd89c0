using Sae.Core;

namespace Sae.Cluster;

/// <summary>Validates the dataset section of a sweep file; for files, opens them to learn d (and to fail now, not in a worker).</summary>
internal static class SweepDatasets
{
    public const int DefaultShardRows = 65_536;

    public static DatasetSpec Build(DatasetFile? d, string origin, string baseDirectory, out int dimension, out string key)
    {
        if (d is null || (d.Synthetic is null) == (d.Path is null))
            throw new SaeInputException($"{origin}: dataset needs exactly one of synthetic: {{…}} or path: FILE_OR_DIR.");
        int shardRows = d.ShardRows ?? DefaultShardRows;
        if (d.Synthetic is { } s)
        {
            var spec = new SyntheticDataSpec(s.Features ?? 512, s.Dim ?? 128, s.Rows ?? 100_000, s.Active ?? 5, s.Correlated ?? false, s.Seed ?? 0);
            SyntheticDataset.CheckShardRows(shardRows, spec.Dimension);
            dimension = spec.Dimension;
            key = string.Join(",", SyntheticDataset.Recipe(spec).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            return new DatasetSpec(spec, null, null, shardRows);
        }
        string path = Path.GetFullPath(Path.Combine(baseDirectory, d.Path!));
        using (var source = ActivationSource.Open(path, d.Tensor))
            dimension = source.Dimension;
        SyntheticDataset.CheckShardRows(shardRows, dimension);
        key = $"path={path},tensor={d.Tensor}";
        return new DatasetSpec(null, path, d.Tensor, shardRows);
    }
}
