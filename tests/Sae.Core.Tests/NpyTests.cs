using System.Buffers.Binary;
using System.Text;

namespace Sae.Core.Tests;

public class NpyTests
{
    /// <summary>A .npy file with the given version, header text and data (the header is used verbatim).</summary>
    private static byte[] Build(int major, string header, byte[] data)
    {
        byte[] h = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        int prefix = major == 1 ? 10 : 12;
        var bytes = new byte[prefix + h.Length + data.Length];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = (byte)major;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)h.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)h.Length);
        h.CopyTo(bytes, prefix);
        data.CopyTo(bytes, prefix + h.Length);
        return bytes;
    }

    [Fact]
    public void Header_SmallFloat32Array_IsNumpySaveLayout()
    {
        // what numpy.save writes for np.zeros((3, 4), np.float32): 'v' = 118, padded to 128 bytes
        byte[] h = NpyWriter.Header("<f4", 3, 4);
        Assert.Equal(128, h.Length);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)'v', 0 }, h[..10]);
        string text = Encoding.Latin1.GetString(h, 10, 118);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", text.TrimEnd());
        Assert.EndsWith(" \n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ThenOpen_RoundTripsRows(bool half)
    {
        using var dir = new TempDir();
        string path = dir.File("a.npy");
        var v = SafeTensorsBytes.Ramp(7, 3, 0.5f);
        NpyWriter.Write(path, v, 7, 3, half);
        using var src = ActivationSource.Open(path);
        Assert.Equal((7L, 3), (src.Rows, src.Dimension));
        var rows = new float[2 * 3];
        src.ReadRows(5, rows);
        var expected = v.AsSpan(15, 6).ToArray();
        if (half)
            expected = expected.Select(x => (float)(Half)x).ToArray();
        Assert.Equal(expected, rows);
    }

    [Theory]
    [InlineData(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n")]
    [InlineData(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }      \n")]
    [InlineData(3, "{\"descr\": \"=f4\", \"fortran_order\": False, \"shape\": (2L, 2L)}\n")]
    [InlineData(1, "{'shape':(2,2),'fortran_order':False,'descr':'|f4'}")]
    public void Open_VersionsAndSpellings_Read(int major, string header)
    {
        using var dir = new TempDir();
        string path = dir.File("v.npy");
        File.WriteAllBytes(path, Build(major, header, SafeTensorsBytes.Floats(1, 2, 3, 4)));
        using var src = ActivationSource.Open(path);
        var all = new float[4];
        src.ReadRows(0, all);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, all);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "Fortran-ordered arrays are not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 16, "array has shape (4,); expected 2-D [rows, d]")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", 16, "array has shape (1, 2, 2); expected 2-D")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", 16, "big-endian dtype '>f4' is not supported")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", 16, "unsupported dtype '<i4' (expected '<f4' or '<f2')")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 15, "truncated: shape (2, 2) needs 16 bytes of data but the file has 15")]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", 16, "no 'shape' tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2)}", 16, "malformed .npy header (unexpected value")]
    [InlineData("{'descr': '<f4', 'shape': (2, -2)}", 16, "malformed .npy header (expected a non-negative integer")]
    public void Open_BadHeaderOrData_InputErrorNamingFile(string header, int dataBytes, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.npy");
        File.WriteAllBytes(path, Build(1, header, new byte[dataBytes]));
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path).Dispose());
        Assert.StartsWith($"{path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Open_BadMagic_InputError()
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllText(path, "PK\x03\x04 this is a zip (.npz?) not a .npy");
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path).Dispose());
        Assert.Equal($"{path}: not a .npy file (bad magic; expected \\x93NUMPY).", e.Message);
    }

    [Fact]
    public void Open_HeaderLongerThanFile_InputError()
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        var bytes = Build(2, "{}", []);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path).Dispose());
        Assert.StartsWith($"{path}: .npy header length 4294967295 exceeds the file size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnsupportedVersion_InputError()
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, Build(1, "{}", []).Select((b, i) => i == 6 ? (byte)9 : b).ToArray());
        var e = Assert.Throws<SaeInputException>(() => ActivationSource.Open(path).Dispose());
        Assert.StartsWith($"{path}: unsupported .npy version 9.0", e.Message, StringComparison.Ordinal);
    }
}
