using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Sae.Core;

/// <summary>
/// A safetensors file opened for reading: an 8-byte little-endian header length N, N bytes of JSON
/// header, then the data buffer. <see cref="Open"/> validates the whole header (see
/// <see cref="MaxHeaderLength"/>, dtypes, sizes, offsets) before any data is read; tensors are then
/// read on demand with positional reads, so memory stays bounded and concurrent reads are safe.
/// Every problem with the file is a <see cref="SaeInputException"/> whose message starts with the path.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>Largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly SafeFileHandle handle;
    private readonly Dictionary<string, SafeTensorInfo> byName;

    private SafeTensorsFile(string path, SafeFileHandle handle, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        this.handle = handle;
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" string map (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Absolute file offset of the data buffer (8 + header length).</summary>
    internal long DataStart { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    /// <exception cref="SaeInputException">The file is missing, truncated or its header is invalid.</exception>
    public static SafeTensorsFile Open(string path)
    {
        var handle = InputFiles.OpenRead(path);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8)
                throw new SaeInputException($"{path}: too short for a safetensors file ({length} bytes; the header length alone takes 8).");
            Span<byte> prefix = stackalloc byte[8];
            InputFiles.ReadExactly(handle, path, prefix, 0);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (n > MaxHeaderLength)
                throw new SaeInputException($"{path}: safetensors header length {n} exceeds the limit of {MaxHeaderLength} bytes (not a safetensors file?).");
            if (n > (ulong)(length - 8))
                throw new SaeInputException($"{path}: safetensors header length {n} exceeds the file size of {length} bytes (truncated, or not a safetensors file).");
            byte[] json = new byte[n];
            InputFiles.ReadExactly(handle, path, json, 8);
            if (n == 0 || json[0] != (byte)'{')
                throw new SaeInputException($"{path}: safetensors header does not start with '{{' (not a safetensors file?).");
            long dataStart = 8 + (long)n;
            var (tensors, metadata) = SafeTensorsHeader.Parse(path, json, length - dataStart);
            return new SafeTensorsFile(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="SaeInputException">No such tensor (the message lists the names there are).</exception>
    public SafeTensorInfo GetTensor(string name) =>
        byName.TryGetValue(name, out var t) ? t : throw new SaeInputException($"{Path}: no tensor '{name}' (tensors: {NameList()}).");

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The whole tensor as float32 (F32, F16, BF16 or F64), row-major.</summary>
    /// <exception cref="SaeInputException">Missing tensor, non-float dtype, or truncated file.</exception>
    public float[] ReadFloat32(string name)
    {
        var t = GetTensor(name);
        if (t.ElementCount > Array.MaxLength)
            throw new SaeInputException($"{Path}: tensor {name} has {t.ElementCount} elements, more than one array holds; read it by rows.");
        var result = new float[t.ElementCount];
        ReadFloat32(name, result);
        return result;
    }

    /// <summary>Reads the whole tensor as float32 into <paramref name="destination"/> (length = element count).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="SaeInputException">Missing tensor, non-float dtype, or truncated file.</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var t = GetTensor(name);
        if (destination.Length != t.ElementCount)
            throw new ArgumentException($"destination has length {destination.Length} but tensor {name} {t.ShapeText} has {t.ElementCount} elements.", nameof(destination));
        Region(t, t.ElementCount == 0 ? 0 : 1, t.ElementCount).ReadRows(0, destination);
    }

    /// <summary>
    /// Rows [firstRow, firstRow + count) of a 2-D tensor [rows, cols] as float32 into
    /// <paramref name="destination"/> [count, cols], count = destination.Length / cols.
    /// </summary>
    /// <exception cref="ArgumentException">The destination is not whole rows, or the rows are out of range.</exception>
    /// <exception cref="SaeInputException">Missing or non-2-D tensor, non-float dtype, or truncated file.</exception>
    public void ReadRows(string name, long firstRow, Span<float> destination) => Rows(name).ReadRows(firstRow, destination);

    /// <summary>The whole tensor as int64 (I64 or I32), e.g. a step counter or data cursor.</summary>
    /// <exception cref="SaeInputException">Missing tensor, non-integer dtype, or truncated file.</exception>
    public long[] ReadInt64(string name)
    {
        var t = GetTensor(name);
        if (t.DType is not (TensorDType.I64 or TensorDType.I32))
            throw new SaeInputException($"{Path}: tensor {name} has dtype {DTypes.Name(t.DType)}; expected I64 or I32.");
        var bytes = new byte[t.DataEnd - t.DataBegin];
        InputFiles.ReadExactly(handle, Path, bytes, DataStart + t.DataBegin);
        return t.DType == TensorDType.I64
            ? MemoryMarshal.Cast<byte, long>(bytes).ToArray()
            : Array.ConvertAll(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), v => (long)v);
    }

    /// <summary>A 2-D tensor as a row reader (for activation shards).</summary>
    /// <exception cref="SaeInputException">Missing tensor, not 2-D, or not floating point.</exception>
    internal TensorRegion Rows(string name)
    {
        var t = GetTensor(name);
        if (t.Shape.Count != 2)
            throw new SaeInputException($"{Path}: tensor {name} has shape {t.ShapeText}; expected 2-D [rows, d].");
        return Region(t, t.Shape[0], t.Shape[1]);
    }

    /// <summary>Comma-separated tensor names (at most 20), for messages.</summary>
    internal string NameList() =>
        Tensors.Count == 0 ? "none" : string.Join(", ", Tensors.Take(20).Select(t => t.Name)) + (Tensors.Count > 20 ? $", … ({Tensors.Count} in all)" : "");

    /// <inheritdoc/>
    public void Dispose() => handle.Dispose();

    private TensorRegion Region(SafeTensorInfo t, long rows, long cols) =>
        new(handle, Path, t.Name, t.DType, DataStart + t.DataBegin, rows, cols);
}
