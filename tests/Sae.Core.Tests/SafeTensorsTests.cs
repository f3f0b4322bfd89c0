using System.Buffers.Binary;
using System.Text;

namespace Sae.Core.Tests;

public class SafeTensorsTests
{
    [Fact]
    public void Write_ThenOpen_RoundTripsTensorsAndMetadata()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        float[] w = SafeTensorsBytes.Ramp(3, 5);
        new SafeTensorsWriter()
            .AddFloat32("W_dec", w, 3, 5)
            .AddFloat32("b_dec", new float[] { -1.5f, 0f, 2.25f, float.MaxValue, float.Epsilon }, 5)
            .AddInt64("step", new long[] { 1L << 40 })
            .AddMetadata("k", "32")
            .Write(path);

        using var f = SafeTensorsFile.Open(path);
        Assert.Equal(new[] { "step", "W_dec", "b_dec" }, f.Tensors.Select(t => t.Name));
        Assert.Equal(w, f.ReadFloat32("W_dec"));
        Assert.Equal(new[] { -1.5f, 0f, 2.25f, float.MaxValue, float.Epsilon }, f.ReadFloat32("b_dec"));
        Assert.Equal(new[] { 1L << 40 }, f.ReadInt64("step"));
        Assert.Empty(f.GetTensor("step").Shape);
        Assert.Equal("32", f.Metadata["k"]);
        Assert.Equal(TensorDType.F32, f.GetTensor("W_dec").DType);
        Assert.Equal(new long[] { 3, 5 }, f.GetTensor("W_dec").Shape);
    }

    [Fact]
    public void Write_KnownContent_MatchesHandBuiltBytes()
    {
        using var dir = new TempDir();
        string path = dir.File("a.safetensors");
        new SafeTensorsWriter()
            .AddFloat32("b", new float[] { 1f, 2f }, 2)
            .AddInt64("a", new long[] { 7 }, 1)
            .AddMetadata("format", "pt")
            .Write(path);

        string header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        var data = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(data, 7);
        SafeTensorsBytes.Floats(1f, 2f).CopyTo(data, 8);
        Assert.Equal(SafeTensorsBytes.Build(header, data), File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_TensorsAddedInAnyOrder_SameBytes()
    {
        using var dir = new TempDir();
        var x = SafeTensorsBytes.Ramp(2, 3);
        new SafeTensorsWriter().AddFloat32("x", x, 2, 3).AddFloat32("a", x, 6).AddMetadata("z", "1").AddMetadata("y", "2").Write(dir.File("1.safetensors"));
        new SafeTensorsWriter().AddMetadata("y", "2").AddFloat32("a", x, 6).AddMetadata("z", "1").AddFloat32("x", x, 2, 3).Write(dir.File("2.safetensors"));
        Assert.Equal(File.ReadAllBytes(dir.File("1.safetensors")), File.ReadAllBytes(dir.File("2.safetensors")));
        Assert.Equal(0, (BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(dir.File("1.safetensors"))) % 8));
    }

    [Fact]
    public void Write_ExistingFile_ReplacedAndNoTemporaryLeft()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        File.WriteAllText(path, "old");
        new SafeTensorsWriter().AddFloat32("x", new float[] { 3f }, 1).Write(path);
        using (var f = SafeTensorsFile.Open(path))
            Assert.Equal(new[] { 3f }, f.ReadFloat32("x"));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Open_HandBuiltFileWithSpacesAndOtherKeyOrder_Reads()
    {
        using var dir = new TempDir();
        string path = dir.File("h.safetensors");
        string header = """{ "t" : { "data_offsets" : [0, 12], "shape" : [1, 3], "dtype" : "F32" } }   """;
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, SafeTensorsBytes.Floats(1, 2, 3)));
        using var f = SafeTensorsFile.Open(path);
        var row = new float[3];
        f.ReadRows("t", 0, row);
        Assert.Equal(new[] { 1f, 2f, 3f }, row);
        Assert.Empty(f.Metadata);
    }

    [Fact]
    public void ReadRows_RowRange_ReturnsThoseRows()
    {
        using var dir = new TempDir();
        string path = dir.File("r.safetensors");
        var v = SafeTensorsBytes.Ramp(10, 4);
        new SafeTensorsWriter().AddFloat32("x", v, 10, 4).Write(path);
        using var f = SafeTensorsFile.Open(path);
        var rows = new float[3 * 4];
        f.ReadRows("x", 6, rows);
        Assert.Equal(v.AsSpan(24, 12).ToArray(), rows);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.ReadRows("x", 8, rows));
        Assert.Throws<ArgumentException>(() => f.ReadRows("x", 0, new float[5]));
    }

    [Fact]
    public void ReadF16_EveryBitPattern_ConvertsExactly()
    {
        using var dir = new TempDir();
        string path = dir.File("h.safetensors");
        var bytes = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)i);
        new SafeTensorsWriter().AddRaw("h", TensorDType.F16, bytes, 256, 256).Write(path);
        using var f = SafeTensorsFile.Open(path);
        var got = f.ReadFloat32("h");
        for (int i = 0; i < 65536; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            Assert.True(float.IsNaN(expected) ? float.IsNaN(got[i]) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(got[i]), $"F16 bits {i:X4}");
        }
    }

    [Fact]
    public void ReadBF16_EveryBitPattern_ConvertsExactly()
    {
        using var dir = new TempDir();
        string path = dir.File("b.safetensors");
        var bytes = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)i);
        new SafeTensorsWriter().AddRaw("b", TensorDType.BF16, bytes, 65536).Write(path);
        using var f = SafeTensorsFile.Open(path);
        var got = f.ReadFloat32("b");
        for (int i = 0; i < 65536; i++)
            Assert.Equal(i << 16, BitConverter.SingleToInt32Bits(got[i]));
    }

    [Fact]
    public void BFloat16ToSingle_EveryLengthAndOffset_MatchesScalar()
    {
        var src = Enumerable.Range(0, 70).Select(i => (ushort)(i * 977 + 3)).ToArray();
        for (int n = 0; n <= 40; n++)
        {
            for (int off = 0; off < 3; off++)
            {
                var dst = new float[n];
                FloatDecoder.BFloat16ToSingle(src.AsSpan(off, n), dst);
                for (int i = 0; i < n; i++)
                    Assert.Equal(src[off + i] << 16, BitConverter.SingleToInt32Bits(dst[i]));
            }
        }
    }

    [Fact]
    public void ReadF64AndI32_Converts()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        var d = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(d, 0.1);
        BinaryPrimitives.WriteDoubleLittleEndian(d.AsSpan(8), -3);
        var i = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(i, -5);
        BinaryPrimitives.WriteInt32LittleEndian(i.AsSpan(4), int.MaxValue);
        new SafeTensorsWriter().AddRaw("d", TensorDType.F64, d, 2).AddRaw("i", TensorDType.I32, i, 2).Write(path);
        using var f = SafeTensorsFile.Open(path);
        Assert.Equal(new[] { 0.1f, -3f }, f.ReadFloat32("d"));
        Assert.Equal(new[] { -5L, int.MaxValue }, f.ReadInt64("i"));
        var e = Assert.Throws<SaeInputException>(() => f.ReadFloat32("i"));
        Assert.StartsWith($"{path}: tensor i has dtype I32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetTensor_Missing_ListsTheNames()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        new SafeTensorsWriter().AddFloat32("a", new float[1], 1).AddFloat32("b", new float[1], 1).Write(path);
        using var f = SafeTensorsFile.Open(path);
        var e = Assert.Throws<SaeInputException>(() => f.GetTensor("c"));
        Assert.Equal($"{path}: no tensor 'c' (tensors: a, b).", e.Message);
        var e2 = Assert.Throws<SaeInputException>(() => f.ReadRows("a", 0, new float[1]));
        Assert.Contains("tensor a has shape [1]; expected 2-D", e2.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, int, string> CorruptHeaders => new()
    {
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "", 8, "" },
        { "{not json", "", 0, "safetensors header is not valid JSON" },
        { "[1,2]    ", "", 0, "safetensors header does not start with '{'" },
        { """{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}""", "a", 8, "unknown dtype 'F33'" },
        { """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "a", 8, "shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8" },
        { """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", "a", 8, "data_offsets [0, 16] lie outside the data buffer of 8 bytes" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "a", 8, "lie outside the data buffer" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", "b", 12, "overlap tensor a [0, 8]" },
        { """{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "a", 8, "shape must hold non-negative integers" },
        { """{"a":{"dtype":"F32","data_offsets":[0,8]}}""", "a", 8, "no shape array" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", "a", 8, "data_offsets must have 2 entries" },
        { """{"a":[1]}""", "a", 0, "header entry must be an object" },
        { """{"__metadata__":{"x":1}}""", "", 0, "__metadata__ value 'x' must be a string" },
        { """{"a":{"dtype":"U8","shape":[4611686018427387904,4],"data_offsets":[0,0]}}""", "a", 0, "is too large" },
    };

    [Theory]
    [MemberData(nameof(CorruptHeaders))]
    public void Open_CorruptHeader_InputErrorNamingFileAndTensor(string header, string tensor, int dataBytes, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, new byte[dataBytes]));
        if (expected.Length == 0)
        {
            using var ok = SafeTensorsFile.Open(path); // the control case is valid
            return;
        }
        var e = Assert.Throws<SaeInputException>(() => SafeTensorsFile.Open(path));
        Assert.StartsWith(tensor.Length > 0 ? $"{path}: tensor {tensor}" : $"{path}:", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(200_000_000UL, "safetensors header length 200000000 exceeds the limit of 100000000 bytes")]
    [InlineData(5000UL, "safetensors header length 5000 exceeds the file size of 64 bytes")]
    [InlineData(ulong.MaxValue, "safetensors header length 18446744073709551615 exceeds the limit")]
    public void Open_AbsurdHeaderLength_InputErrorBeforeReading(ulong length, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SaeInputException>(() => SafeTensorsFile.Open(path));
        Assert.Equal($"{path}: {expected}", e.Message[..(path.Length + 2 + expected.Length)]);
    }

    [Fact]
    public void Open_TruncatedFile_InputErrorNamingTensor()
    {
        using var dir = new TempDir();
        string path = dir.File("t.safetensors");
        new SafeTensorsWriter().AddFloat32("acts", new float[100], 10, 10).Write(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^1]);
        var e = Assert.Throws<SaeInputException>(() => SafeTensorsFile.Open(path));
        Assert.StartsWith($"{path}: tensor acts: data_offsets [0, 400] lie outside the data buffer of 399 bytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Open_ShorterThanPrefix_InputError(int length)
    {
        using var dir = new TempDir();
        string path = dir.File("s.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        var e = Assert.Throws<SaeInputException>(() => SafeTensorsFile.Open(path));
        Assert.StartsWith($"{path}: too short for a safetensors file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Missing_InputError()
    {
        var e = Assert.Throws<SaeInputException>(() => SafeTensorsFile.Open("/nonexistent/x.safetensors"));
        Assert.Equal("/nonexistent/x.safetensors: no such file.", e.Message);
    }

    [Fact]
    public void Open_HeaderWithUnicodeMetadata_Reads()
    {
        using var dir = new TempDir();
        string path = dir.File("u.safetensors");
        new SafeTensorsWriter().AddFloat32("x", new float[1], 1).AddMetadata("note", "π ≈ 3.14 \"quoted\"").Write(path);
        using var f = SafeTensorsFile.Open(path);
        Assert.Equal("π ≈ 3.14 \"quoted\"", f.Metadata["note"]);
        Assert.Contains("π", Encoding.UTF8.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
    }
}
