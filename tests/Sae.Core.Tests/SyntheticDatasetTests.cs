using System.Security.Cryptography;
using System.Text.Json;

namespace Sae.Core.Tests;

public class SyntheticDatasetTests
{
    [Theory]
    [InlineData("safetensors")]
    [InlineData("npy")]
    public void Write_ThenOpen_ReadsTheGeneratedRows(string ext)
    {
        var format = ext == "npy" ? ShardFormat.Npy : ShardFormat.SafeTensors;
        using var dir = new TempDir();
        string outDir = dir.File("data");
        using var data = new SyntheticData(new SyntheticDataSpec(features: 40, dimension: 12, rows: 250, activePerRow: 3, correlated: true, seed: 5), threads: 2);
        var written = new List<long>();
        var (shards, bytes) = SyntheticDataset.Write(data, outDir, 100, format, written.Add);

        Assert.Equal(3, shards);
        Assert.Equal(new long[] { 100, 200, 250 }, written);
        Assert.Equal(new[] { $"00000.{ext}", $"00001.{ext}", $"00002.{ext}" }, Directory.GetFiles(Path.Combine(outDir, "shards")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var src = ActivationSource.Open(outDir);
        var expected = new float[250 * 12];
        data.ReadRows(0, expected);
        var got = new float[250 * 12];
        src.ReadRows(0, got);
        Assert.Equal(expected, got);
        Assert.Equal(Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) - new FileInfo(Path.Combine(outDir, "manifest.json")).Length, bytes);
    }

    [Fact]
    public void Write_ManifestAndGroundTruth_DescribeTheRecipe()
    {
        using var dir = new TempDir();
        using var data = new SyntheticData(new SyntheticDataSpec(features: 30, dimension: 8, rows: 10, seed: 11));
        SyntheticDataset.Write(data, dir.Path, 4, ShardFormat.SafeTensors);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "manifest.json")));
        var root = doc.RootElement;
        Assert.Equal(8, root.GetProperty("d").GetInt32());
        Assert.Equal(10, root.GetProperty("rows").GetInt64());
        Assert.Equal("activations", root.GetProperty("tensor").GetString());
        Assert.Equal("11", root.GetProperty("source").GetProperty("seed").GetString());
        foreach (var s in root.GetProperty("shards").EnumerateArray())
        {
            byte[] file = File.ReadAllBytes(Path.Combine(dir.Path, s.GetProperty("file").GetString()!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), s.GetProperty("sha256").GetString());
        }
        using var truth = SafeTensorsFile.Open(Path.Combine(dir.Path, "ground_truth.safetensors"));
        Assert.Equal(data.GroundTruth.ToArray(), truth.ReadFloat32("features"));
        Assert.Equal(new long[] { 30, 8 }, truth.GetTensor("features").Shape);
        Assert.Equal(5.0, truth.ReadFloat32("probabilities").Sum(), 1e-4);
        Assert.Equal("sharkey2022", truth.Metadata["generator"]);
        Assert.Equal("false", truth.Metadata["correlated"]);
    }

    [Fact]
    public void Write_SameSpecTwice_IdenticalFiles()
    {
        using var dir = new TempDir();
        var spec = new SyntheticDataSpec(features: 16, dimension: 4, rows: 33, seed: 2);
        SyntheticDataset.Write(new SyntheticData(spec), dir.File("a"), 10, ShardFormat.SafeTensors);
        SyntheticDataset.Write(new SyntheticData(spec, threads: 3), dir.File("b"), 10, ShardFormat.SafeTensors);
        foreach (var f in Directory.GetFiles(dir.File("a"), "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(f.Replace(dir.File("a"), dir.File("b"), StringComparison.Ordinal)));
    }

    [Fact]
    public void Verify_IntactThenTamperedShard_CountsThenNamesTheFile()
    {
        using var dir = new TempDir();
        SyntheticDataset.Write(new SyntheticData(new SyntheticDataSpec(features: 8, dimension: 4, rows: 20)), dir.Path, 10, ShardFormat.Npy);
        string manifest = dir.File("manifest.json");
        Assert.Equal(2, ShardManifest.Read(manifest).Verify(manifest));
        string shard = Path.Combine(dir.Path, "shards", "00001.npy");
        var bytes = File.ReadAllBytes(shard);
        bytes[^1] ^= 1;
        File.WriteAllBytes(shard, bytes);
        var e = Assert.Throws<SaeInputException>(() => ShardManifest.Read(manifest).Verify(manifest));
        Assert.StartsWith($"{shard}: SHA-256 ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NonEmptyDirectory_InputError()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x"), "");
        var e = Assert.Throws<SaeInputException>(() => SyntheticDataset.Write(new SyntheticData(new SyntheticDataSpec(rows: 10)), dir.Path, 10, ShardFormat.Npy));
        Assert.Equal($"{dir.Path}: directory is not empty; choose a new --out or remove it.", e.Message);
    }

    [Theory]
    [InlineData(0, 128)]
    [InlineData(2_097_153, 128)]
    public void CheckShardRows_OutOfRange_InputError(int shardRows, int dim)
    {
        var e = Assert.Throws<SaeInputException>(() => SyntheticDataset.CheckShardRows(shardRows, dim));
        Assert.StartsWith($"--shard-rows must be between 1 and 2097152 at --dim 128", e.Message, StringComparison.Ordinal);
    }
}
