using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sae.Core;

/// <summary>
/// Builds a safetensors file from named tensors and string metadata. Output bytes are a pure function
/// of the content: metadata keys sorted, tensors ordered by element size (largest first, so every
/// tensor is naturally aligned, as the reference implementation orders them) then by name (ordinal),
/// compact JSON, header padded with spaces to a multiple of 8 bytes. <see cref="Write"/> is atomic.
/// The writer keeps references to the data until written; do not change it in between.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly Dictionary<string, Entry> tensors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> metadata = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor of the given shape (row-major).</summary>
    /// <exception cref="ArgumentException">Bad or duplicate name, negative dimension, or data length ≠ shape product.</exception>
    public SafeTensorsWriter AddFloat32(string name, ReadOnlyMemory<float> data, params long[] shape) =>
        Add(name, TensorDType.F32, shape, data.Length, stream => WriteChunked(stream, data));

    /// <summary>Adds an int64 tensor (e.g. a step counter or a data cursor).</summary>
    /// <exception cref="ArgumentException">Bad or duplicate name, negative dimension, or data length ≠ shape product.</exception>
    public SafeTensorsWriter AddInt64(string name, ReadOnlyMemory<long> data, params long[] shape) =>
        Add(name, TensorDType.I64, shape, data.Length, stream => WriteChunked(stream, data));

    /// <summary>Sets a "__metadata__" entry.</summary>
    /// <exception cref="ArgumentNullException">A key or value is null.</exception>
    public SafeTensorsWriter AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        metadata[key] = value;
        return this;
    }

    /// <summary>Adds raw little-endian bytes of any dtype (tests build F16/BF16 files with it).</summary>
    internal SafeTensorsWriter AddRaw(string name, TensorDType dtype, byte[] bytes, params long[] shape) =>
        Add(name, dtype, shape, bytes.Length / DTypes.Size(dtype), stream => stream.Write(bytes));

    /// <summary>Writes the file to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Write(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>Writes the file's bytes to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var ordered = tensors.Values
            .OrderByDescending(t => DTypes.Size(t.DType))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        byte[] header = Header(ordered);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var t in ordered)
            t.WriteData(stream);
    }

    private byte[] Header(List<Entry> ordered)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (k, v) in metadata)
                    json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", DTypes.Name(t.DType));
                json.WriteStartArray("shape");
                foreach (long s in t.Shape)
                    json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += t.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // pad with spaces so the data buffer starts 8-byte aligned (the reference does the same)
        while (buffer.Length % 8 != 0)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private SafeTensorsWriter Add(string name, TensorDType dtype, long[] shape, long length, Action<Stream> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsHeader.MetadataKey)
            throw new ArgumentException($"'{name}' is reserved for metadata.", nameof(name));
        if (tensors.ContainsKey(name))
            throw new ArgumentException($"tensor '{name}' was already added.", nameof(name));
        if (shape.Any(s => s < 0))
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
        long product = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (product != length)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] has {product} elements but the data has {length}.", nameof(shape));
        tensors.Add(name, new Entry(name, dtype, (long[])shape.Clone(), length * DTypes.Size(dtype), writeData));
        return this;
    }

    /// <summary>Writes the elements as bytes, in pieces of at most 1 GiB (a span's byte count must fit an int).</summary>
    internal static void WriteChunked<T>(Stream stream, ReadOnlyMemory<T> data)
        where T : unmanaged
    {
        int chunk = (1 << 30) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i < data.Length; i += chunk)
            stream.Write(MemoryMarshal.AsBytes(data.Span.Slice(i, Math.Min(chunk, data.Length - i))));
    }

    private sealed record Entry(string Name, TensorDType DType, long[] Shape, long ByteLength, Action<Stream> WriteData);
}
