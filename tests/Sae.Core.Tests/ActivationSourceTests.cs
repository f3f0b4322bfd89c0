namespace Sae.Core.Tests;

public class ActivationSourceTests
{
    private static void WriteSt(string path, float[] v, long rows, int d, string name = "activations") =>
        new SafeTensorsWriter().AddFloat32(name, v, rows, d).Write(path);

    [Fact]
    public void Open_DirectoryWithoutManifest_ShardsInOrdinalNameOrder()
    {
        using var dir = new TempDir();
        var a = SafeTensorsBytes.Ramp(5, 4, 0.25f);
        var b = SafeTensorsBytes.Ramp(3, 4, 0.5f);
        var c = SafeTensorsBytes.Ramp(6, 4, 0.75f);
        WriteSt(dir.File("a.safetensors"), a, 5, 4);
        NpyWriter.Write(dir.File("b.npy"), b, 3, 4);
        WriteSt(dir.File("B.safetensors"), c, 6, 4); // 'B' < 'a' in ordinal order
        File.WriteAllText(dir.File("notes.txt"), "ignored");
        File.WriteAllText(dir.File(".tmp.npy"), "hidden, ignored");

        using var src = ActivationSource.Open(dir.Path);
        float[] all = [.. c, .. a, .. b];
        Assert.Equal((14L, 4), (src.Rows, src.Dimension));
        var got = new float[14 * 4];
        src.ReadRows(0, got);
        Assert.Equal(all, got);
        var mid = new float[4 * 4]; // rows 4..7 cross both shard boundaries of 'a'
        src.ReadRows(4, mid);
        Assert.Equal(all.AsSpan(16, 16).ToArray(), mid);
        Assert.Contains("3 shard(s), 14 rows × d = 4", src.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DirectoryWithManifest_UsesItsOrderAndTensor()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("shards"));
        var a = SafeTensorsBytes.Ramp(2, 3);
        var b = SafeTensorsBytes.Ramp(4, 3, 0.5f);
        new SafeTensorsWriter().AddFloat32("x", a, 2, 3).AddFloat32("other", a, 6).Write(dir.File("shards/0.safetensors"));
        new SafeTensorsWriter().AddFloat32("x", b, 4, 3).AddFloat32("other", a, 6).Write(dir.File("shards/1.safetensors"));
        File.WriteAllText(dir.File("manifest.json"),
            """{"d": 3, "tensor": "x", "shards": [{"file": "shards/1.safetensors", "rows": 4}, {"file": "shards/0.safetensors", "rows": 2, "sha256": "ab"}]}""");

        using var src = ActivationSource.Open(dir.Path);
        var got = new float[6 * 3];
        src.ReadRows(0, got);
        Assert.Equal([.. b, .. a], got);
        using var viaFile = ActivationSource.Open(dir.File("manifest.json"));
        Assert.Equal(6, viaFile.Rows);
    }

    [Theory]
    [InlineData("""{"shards": [{"file": "s.npy", "rows": 5}]}""", "s.npy has 4 rows but manifest.json lists 5.")]
    [InlineData("""{"d": 2, "shards": [{"file": "s.npy", "rows": 4}]}""", "s.npy has d = 3 but")]
    [InlineData("""{"shards": [{"file": "missing.npy", "rows": 4}]}""", "missing.npy: no such file.")]
    [InlineData("""{"shards": []}""", "manifest.json: needs a non-empty \"shards\" array")]
    [InlineData("""{"shards": [{"file": "s.npy", "rows": -1}]}""", "manifest.json: shards[0].rows must be a non-negative integer.")]
    [InlineData("""{"shards": [{"file": "s.npy", "rows": 4}""", "manifest.json: not valid JSON")]
    public void Open_ManifestDisagreesWithFiles_InputError(string manifest, string expected)
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("s.npy"), new float[12], 4, 3);
        File.WriteAllText(dir.File("manifest.json"), manifest);
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.Path).Dispose());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShardsWithDifferentD_InputErrorNamingBothFiles()
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("0.npy"), new float[8], 2, 4);
        WriteSt(dir.File("1.safetensors"), new float[10], 2, 5);
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.Path).Dispose());
        Assert.Equal($"{dir.File("1.safetensors")}: tensor activations has d = 5 but {dir.File("0.npy")} has d = 4; all shards must share d.", e.Message);
    }

    [Fact]
    public void Open_ExpectedDimensionDiffers_InputErrorWithBothNumbers()
    {
        using var dir = new TempDir();
        string path = dir.File("a.safetensors");
        WriteSt(path, new float[8], 2, 4);
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path, expectedDimension: 768).Dispose());
        Assert.Equal($"{path}: tensor activations has d = 4 but d = 768 was expected.", e.Message);
        using var ok = ActivationSource.Open(path, expectedDimension: 4);
        Assert.Equal(4, ok.Dimension);
    }

    [Fact]
    public void Open_SeveralTensorsNoName_ListsNames()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        new SafeTensorsWriter().AddFloat32("W_enc", new float[4], 2, 2).AddFloat32("b_dec", new float[2], 2).Write(path);
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path).Dispose());
        Assert.Equal($"{path}: holds 2 tensors (W_enc, b_dec); name the one to read (--tensor).", e.Message);
        using var src = ActivationSource.Open(path, "W_enc");
        Assert.Equal(2, src.Rows);
        var e2 = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path, "b_dec").Dispose());
        Assert.Equal($"{path}: tensor b_dec has shape [2]; expected 2-D [rows, d].", e2.Message);
    }

    [Theory]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    public void ReadRows_HalfPrecisionShard_ConvertsValues(TensorDType dtype)
    {
        using var dir = new TempDir();
        string path = dir.File("h.safetensors");
        float[] values = [1f, -2.5f, 0.125f, 49152f, -0f, 3f]; // exact in both F16 and BF16
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            ushort bits = dtype == TensorDType.F16 ? BitConverter.HalfToUInt16Bits((Half)values[i]) : FloatDecoder.SingleToBFloat16(values[i]);
            BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), bits);
        }
        new SafeTensorsWriter().AddRaw("acts", dtype, bytes, 3, 2).Write(path);
        using var src = ActivationSource.Open(path);
        var got = new float[6];
        src.ReadRows(0, got);
        Assert.Equal(values, got);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Inf")]
    [InlineData(float.NegativeInfinity, "-Inf")]
    public void ReadRows_NonFiniteValue_InputErrorNamingFileTensorRowAndColumn(float bad, string word)
    {
        using var dir = new TempDir();
        WriteSt(dir.File("0.safetensors"), new float[10 * 8], 10, 8);
        var v = new float[10 * 8];
        v[3 * 8 + 5] = bad;
        WriteSt(dir.File("1.safetensors"), v, 10, 8);
        using var src = ActivationSource.Open(dir.Path);
        var batch = new float[8 * 8];
        src.ReadRows(0, batch); // rows 0..7: clean
        var e = Assert.Throws<SaeInputException>(() => src.ReadRows(8, batch));
        Assert.Equal($"{dir.File("1.safetensors")}: tensor activations row 3 (global row 13) column 5 is {word}.", e.Message);
    }

    [Fact]
    public void ReadRows_OutOfRangeOrPartialRow_ArgumentError()
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("a.npy"), new float[12], 4, 3);
        using var src = ActivationSource.Open(dir.File("a.npy"));
        Assert.Throws<ArgumentOutOfRangeException>(() => src.ReadRows(3, new float[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => src.ReadRows(-1, new float[3]));
        Assert.Throws<ArgumentException>(() => src.ReadRows(0, new float[4]));
        src.ReadRows(4, []); // an empty read at the end is fine
    }

    [Fact]
    public void Open_NothingUsable_InputErrors()
    {
        using var dir = new TempDir();
        var e1 = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.Path).Dispose());
        Assert.Equal($"{dir.Path}: no .npy or .safetensors shards found.", e1.Message);
        var e2 = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.File("nope")).Dispose());
        Assert.Equal($"{dir.File("nope")}: no such file or directory.", e2.Message);
        File.WriteAllText(dir.File("x.csv"), "1,2");
        var e3 = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.File("x.csv")).Dispose());
        Assert.StartsWith($"{dir.File("x.csv")}: unsupported file type", e3.Message, StringComparison.Ordinal);
        NpyWriter.Write(dir.File("empty.npy"), Array.Empty<float>(), 0, 3);
        var e4 = Assert.Throws<SaeInputException>(() => ActivationSource.Open(dir.Path).Dispose());
        Assert.Equal($"{dir.Path}: holds no rows.", e4.Message);
    }

    [Fact]
    public void ReadRows_EmptyShardBetween_Skipped()
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("0.npy"), SafeTensorsBytes.Ramp(2, 2), 2, 2);
        NpyWriter.Write(dir.File("1.npy"), Array.Empty<float>(), 0, 2);
        NpyWriter.Write(dir.File("2.npy"), SafeTensorsBytes.Ramp(2, 2, 0.5f), 2, 2);
        using var src = ActivationSource.Open(dir.Path);
        var got = new float[2];
        src.ReadRows(2, got);
        Assert.Equal(new[] { 0.5f, 1.5f }, got);
    }

    [Fact]
    public void ReadRows_FileTruncatedAfterOpen_InputError()
    {
        using var dir = new TempDir();
        string path = dir.File("a.npy");
        NpyWriter.Write(path, new float[400], 100, 4);
        using var src = ActivationSource.Open(path);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            f.SetLength(200);
        var e = Assert.Throws<SaeInputException>(() => src.ReadRows(90, new float[40]));
        Assert.StartsWith($"{path}: unexpected end of file", e.Message, StringComparison.Ordinal);
    }
}
