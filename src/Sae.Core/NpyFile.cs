using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Sae.Core;

/// <summary>
/// A NumPy .npy file opened for reading: magic "\x93NUMPY", version 1.0 (2-byte header length),
/// 2.0 or 3.0 (4-byte; 3.0 has a UTF-8 header), the header dictionary, then raw data. Float32 and
/// float16 data in C order are accepted ('&lt;', '=' or '|' byte order); everything is validated on
/// <see cref="Open"/>, before any data is read.
/// </summary>
internal sealed class NpyFile : IDisposable
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly SafeFileHandle handle;

    private NpyFile(string path, SafeFileHandle handle, TensorDType dtype, long[] shape, long dataOffset)
    {
        Path = path;
        this.handle = handle;
        DType = dtype;
        Shape = shape;
        DataOffset = dataOffset;
    }

    /// <summary>Path as given.</summary>
    public string Path { get; }

    /// <summary>F32 or F16.</summary>
    public TensorDType DType { get; }

    /// <summary>Array shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Absolute offset of the first element.</summary>
    public long DataOffset { get; }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="SaeInputException">Bad magic or version, malformed header, unsupported dtype, Fortran order, or truncated data.</exception>
    public static NpyFile Open(string path)
    {
        var handle = InputFiles.OpenRead(path);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[12];
            if (length < 10)
                throw new SaeInputException($"{path}: too short for a .npy file ({length} bytes).");
            InputFiles.ReadExactly(handle, path, prefix[..10], 0);
            if (!prefix[..6].SequenceEqual(Magic))
                throw new SaeInputException($"{path}: not a .npy file (bad magic; expected \\x93NUMPY).");
            int major = prefix[6];
            if (major is < 1 or > 3)
                throw new SaeInputException($"{path}: unsupported .npy version {major}.{prefix[7]} (expected 1.0, 2.0 or 3.0).");
            long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : ReadUInt32(handle, path, prefix);
            long headerStart = major == 1 ? 10 : 12;
            if (headerLength > length - headerStart)
                throw new SaeInputException($"{path}: .npy header length {headerLength} exceeds the file size of {length} bytes (truncated?).");
            byte[] header = new byte[headerLength];
            InputFiles.ReadExactly(handle, path, header, headerStart);
            string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
            var (descr, fortran, shape) = NpyHeader.Parse(path, text);
            var dtype = ParseDescr(path, descr);
            if (fortran)
                throw new SaeInputException($"{path}: Fortran-ordered arrays are not supported; save a C-ordered copy (np.ascontiguousarray).");
            long dataOffset = headerStart + headerLength;
            CheckDataLength(path, shape, dtype, length - dataOffset);
            return new NpyFile(path, handle, dtype, shape, dataOffset);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The array as a [rows, d] row reader.</summary>
    /// <exception cref="SaeInputException">The array is not 2-D.</exception>
    public TensorRegion Rows()
    {
        if (Shape.Count != 2)
            throw new SaeInputException($"{Path}: array has shape {ShapeText(Shape)}; expected 2-D [rows, d].");
        return new TensorRegion(handle, Path, null, DType, DataOffset, Shape[0], Shape[1]);
    }

    /// <inheritdoc/>
    public void Dispose() => handle.Dispose();

    /// <summary>Python's tuple spelling, e.g. "(1000, 768)" or "(5,)".</summary>
    public static string ShapeText(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    private static long ReadUInt32(SafeFileHandle handle, string path, Span<byte> prefix)
    {
        InputFiles.ReadExactly(handle, path, prefix[10..12], 10);
        return BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
    }

    private static TensorDType ParseDescr(string path, string descr)
    {
        if (descr.Length == 3 && descr[0] == '>' && descr[1] == 'f')
            throw new SaeInputException($"{path}: big-endian dtype '{descr}' is not supported; save with arr.astype('<{descr[1..]}').");
        if (descr.Length == 3 && descr[0] is '<' or '=' or '|')
        {
            if (descr[1..] == "f4")
                return TensorDType.F32;
            if (descr[1..] == "f2")
                return TensorDType.F16;
        }
        throw new SaeInputException($"{path}: unsupported dtype '{descr}' (expected '<f4' or '<f2').");
    }

    private static void CheckDataLength(string path, long[] shape, TensorDType dtype, long available)
    {
        long need = DTypes.Size(dtype);
        try
        {
            foreach (long s in shape)
                need = checked(need * s);
        }
        catch (OverflowException)
        {
            throw new SaeInputException($"{path}: shape {ShapeText(shape)} is too large.");
        }
        if (need > available)
            throw new SaeInputException($"{path}: truncated: shape {ShapeText(shape)} needs {need} bytes of data but the file has {available}.");
    }
}
