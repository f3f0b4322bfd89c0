using Sae.Core;

namespace Sae.Cli.Tests;

public sealed class DataCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "sae-cli-tests-" + Guid.NewGuid().ToString("N"));

    public DataCommandTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Synth_ThenInspect_WritesAndReadsTheDataset()
    {
        string outDir = Path.Combine(dir, "data");
        var r = SaeProcess.Run("data", "synth", "--out", outDir, "--features", "64", "--dim", "16", "--rows", "3000", "--shard-rows", "1000", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.StartsWith("synth: wrote 3000 rows × d = 16 (64 features, 5 active per row, independent, seed 3)", r.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "ground_truth.safetensors")));
        Assert.True(File.Exists(Path.Combine(outDir, "shards", "00002.safetensors")));

        var i = SaeProcess.Run("data", "inspect", outDir);
        Assert.True(i.ExitCode == 0, i.StdErr);
        Assert.Contains("rows    3000", i.StdOut, StringComparison.Ordinal);
        Assert.Contains("d       16", i.StdOut, StringComparison.Ordinal);
        Assert.Contains("shards  3", i.StdOut, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine("shards", "00001.safetensors")}  tensor activations  F32  [1000, 16]", i.StdOut, StringComparison.Ordinal);
        Assert.Contains("sample  3000 rows: mean ", i.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_NpyWithOtherThreadCount_SameValuesAsSafetensors()
    {
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
        Assert.Equal(0, SaeProcess.Run("data", "synth", "--out", a, "--features", "32", "--dim", "8", "--rows", "500", "--correlated", "--threads", "1").ExitCode);
        Assert.Equal(0, SaeProcess.Run("data", "synth", "--out", b, "--features", "32", "--dim", "8", "--rows", "500", "--correlated", "--threads", "3", "--format", "npy", "--shard-rows", "128").ExitCode);
        using var sa = ActivationSource.Open(a);
        using var sb = ActivationSource.Open(b);
        var (va, vb) = (new float[500 * 8], new float[500 * 8]);
        sa.ReadRows(0, va);
        sb.ReadRows(0, vb);
        Assert.Equal(va, vb);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(b, "shards"), "*.npy").Length);
    }

    [Theory]
    [InlineData("--features 0", "--features must be between 1 and 1048576 (got 0).")]
    [InlineData("--dim 0", "--dim must be between 1 and 65536 (got 0).")]
    [InlineData("--rows 0", "--rows must be between 1 and")]
    [InlineData("--active 600", "--active must be greater than 0 and at most --features = 512 (got 600).")]
    [InlineData("--shard-rows 0", "--shard-rows must be between 1 and 2097152 at --dim 128")]
    [InlineData("--format csv", "--format must be safetensors or npy (got 'csv').")]
    [InlineData("--threads 0", "--threads must be at least 1 (got 0).")]
    [InlineData("", "--out is required")]
    [InlineData("--rows abc", "Cannot parse argument 'abc' for option '--rows'")]
    [InlineData("--seed -1", "Cannot parse argument '-1' for option '--seed'")]
    public void Synth_BadOption_OneLineErrorAndExitCode2(string options, string expected)
    {
        var args = new List<string> { "data", "synth" };
        if (options.Length > 0)
            args.AddRange(["--out", Path.Combine(dir, "x"), .. options.Split(' ')]);
        Expect.UserError(SaeProcess.Run([.. args]), expected);
        Assert.False(Directory.Exists(Path.Combine(dir, "x")));
    }

    [Fact]
    public void Inspect_CorruptOrNaNFile_OneLineErrorNamingTheFile()
    {
        string bad = Path.Combine(dir, "bad.safetensors");
        File.WriteAllBytes(bad, [0xE8, 0x03, 0, 0, 0, 0, 0, 0, (byte)'{']); // header length 1000
        var r = SaeProcess.Run("data", "inspect", bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"sae: error: {bad}: safetensors header length 1000 exceeds the file size of 9 bytes (truncated, or not a safetensors file).", r.StdErr.Trim());

        string nan = Path.Combine(dir, "nan.safetensors");
        new SafeTensorsWriter().AddFloat32("acts", new[] { 1f, 2f, 3f, float.NaN }, 2, 2).Write(nan);
        var n = SaeProcess.Run("data", "inspect", nan);
        Assert.Equal(2, n.ExitCode);
        Assert.Equal($"sae: error: {nan}: tensor acts row 1 (global row 1) column 1 is NaN.", n.StdErr.Trim());
    }

    [Fact]
    public void Inspect_Verify_ChecksShardHashes()
    {
        string outDir = Path.Combine(dir, "v");
        Assert.Equal(0, SaeProcess.Run("data", "synth", "--out", outDir, "--features", "8", "--dim", "4", "--rows", "30", "--shard-rows", "10").ExitCode);
        var ok = SaeProcess.Run("data", "inspect", outDir, "--verify");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.Contains("verify  3 shard(s) match their SHA-256", ok.StdOut, StringComparison.Ordinal);

        string shard = Path.Combine(outDir, "shards", "00002.safetensors");
        var bytes = File.ReadAllBytes(shard);
        bytes[^1] ^= 1;
        File.WriteAllBytes(shard, bytes);
        var bad = SaeProcess.Run("data", "inspect", outDir, "--verify");
        Expect.UserError(bad, $"{shard}: SHA-256 ");
    }

    [Fact]
    public void Synth_Help_ExplainsTheRecipe()
    {
        var r = SaeProcess.Run("data", "synth", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Sharkey", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("--shard-rows", r.StdOut, StringComparison.Ordinal);
    }
}
