using System.Security.Cryptography;

namespace Sae.Core;

/// <summary>
/// Writes the rows of any activation source as numbered shards (DIR/shards/00000.safetensors …) and returns
/// their manifest entries with row count, SHA-256 and statistics. Used by `sae data synth` and by the sweep
/// runtime when it puts a dataset into the store. Memory: one shard buffer.
/// </summary>
internal static class DatasetWriter
{
    public static List<ShardManifest.Entry> WriteShards(IActivationSource data, string directory, int shardRows, ShardFormat format, Action<long>? progress = null)
    {
        Directory.CreateDirectory(Path.Combine(directory, "shards"));
        int d = data.Dimension;
        var buffer = new float[Math.Min(shardRows, data.Rows) * d];
        var entries = new List<ShardManifest.Entry>();
        for (long first = 0; first < data.Rows; first += shardRows)
        {
            int n = (int)Math.Min(shardRows, data.Rows - first);
            var rows = buffer.AsMemory(0, n * d);
            data.ReadRows(first, rows.Span);
            int bad = NonFinite.IndexOf(rows.Span);
            if (bad >= 0)
                throw new SaeInputException($"{data.Description}: row {first + bad / d} holds {NonFinite.Describe(rows.Span[bad])} at column {bad % d}; activations must be finite.");
            string name = $"shards/{entries.Count:D5}.{(format == ShardFormat.Npy ? "npy" : "safetensors")}";
            string path = Path.Combine(directory, name);
            if (format == ShardFormat.Npy)
                NpyWriter.Write(path, rows, n, d);
            else
                new SafeTensorsWriter().AddFloat32(SyntheticDataset.ShardTensor, rows, n, d).Write(path);
            entries.Add(new ShardManifest.Entry(name, n, Sha256(path), ShardStats.Of(rows.Span, n, d)));
            progress?.Invoke(first + n);
        }
        return entries;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>Statistics of one shard: mean and standard deviation of all values, mean row L2 norm, largest |value|.</summary>
internal sealed record ShardStats(double Mean, double Std, double MeanNorm, double MaxAbs)
{
    // rows: [n, d]
    public static ShardStats Of(ReadOnlySpan<float> rows, int n, int d)
    {
        double sum = 0, sumSq = 0, norms = 0, maxAbs = 0;
        for (int r = 0; r < n; r++)
        {
            double rowSq = 0;
            foreach (float v in rows.Slice(r * d, d))
            {
                sum += v;
                rowSq += (double)v * v;
                maxAbs = Math.Max(maxAbs, Math.Abs(v));
            }
            sumSq += rowSq;
            norms += Math.Sqrt(rowSq);
        }
        double count = (double)n * d, mean = count > 0 ? sum / count : 0;
        return new ShardStats(mean, count > 0 ? Math.Sqrt(Math.Max(0, sumSq / count - mean * mean)) : 0, n > 0 ? norms / n : 0, maxAbs);
    }
}
