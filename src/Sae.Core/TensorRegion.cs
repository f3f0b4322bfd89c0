using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Sae.Core;

/// <summary>
/// A row-major [rows, cols] tensor stored at a byte offset of an open file: reads any row range as
/// float32 with positional reads (no shared file position, so concurrent reads are safe), through a
/// bounded buffer — never the whole file. The handle belongs to the file object that made this.
/// </summary>
internal sealed class TensorRegion
{
    /// <summary>Bytes decoded per step when converting F16/BF16/F64 (bounds the temporary buffer).</summary>
    private const int DecodeChunkBytes = 1 << 20;

    /// <summary>Floats per direct F32 read (1 GiB: the byte count of one read must fit an int).</summary>
    private const int MaxDirectFloats = 1 << 28;

    private readonly SafeFileHandle handle;

    public TensorRegion(SafeFileHandle handle, string path, string? tensor, TensorDType dtype, long offset, long rows, long cols)
    {
        if (!DTypes.IsFloat(dtype))
            throw new SaeInputException($"{Where(path, tensor)} has dtype {DTypes.Name(dtype)}; expected a floating-point tensor (F32, F16, BF16 or F64).");
        this.handle = handle;
        Path = path;
        Tensor = tensor;
        DType = dtype;
        Offset = offset;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>File path as the user gave it.</summary>
    public string Path { get; }

    /// <summary>Tensor name inside the file, or null for a file that holds one unnamed array (.npy).</summary>
    public string? Tensor { get; }

    /// <summary>Stored element type.</summary>
    public TensorDType DType { get; }

    /// <summary>Absolute byte offset of element [0, 0] in the file.</summary>
    public long Offset { get; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; }

    /// <summary>Elements per row.</summary>
    public long Cols { get; }

    /// <summary>"FILE: tensor T" or "FILE", the prefix of every message about this tensor.</summary>
    public string Describe() => Where(Path, Tensor);

    /// <summary>dst [count, cols] = rows [firstRow, firstRow + count) as float32, count = dst.Length / cols.</summary>
    /// <exception cref="ArgumentException">dst is not a whole number of rows, or the range is outside [0, Rows).</exception>
    /// <exception cref="SaeInputException">The file ended early (truncated or changed since it was opened).</exception>
    public void ReadRows(long firstRow, Span<float> dst)
    {
        long count = Cols == 0 ? 0 : dst.Length / Cols;
        if (count * Cols != dst.Length)
            throw new ArgumentException($"destination length {dst.Length} is not a multiple of the row length {Cols}.", nameof(dst));
        if (firstRow < 0 || firstRow > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"rows [{firstRow}, {firstRow + count}) are outside [0, {Rows}) of {Describe()}.");
        long start = Offset + firstRow * Cols * DTypes.Size(DType);
        if (DType == TensorDType.F32)
        {
            // straight into the destination, in pieces whose byte count fits an int
            for (int done = 0; done < dst.Length; done += MaxDirectFloats)
            {
                int n = Math.Min(MaxDirectFloats, dst.Length - done);
                ReadExactly(MemoryMarshal.AsBytes(dst.Slice(done, n)), start + (long)done * sizeof(float));
            }
            return;
        }
        int size = DTypes.Size(DType);
        int perChunk = DecodeChunkBytes / size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(dst.Length, perChunk) * size);
        try
        {
            for (int done = 0; done < dst.Length; done += perChunk)
            {
                int n = Math.Min(perChunk, dst.Length - done);
                var bytes = buffer.AsSpan(0, n * size);
                ReadExactly(bytes, start + (long)done * size);
                FloatDecoder.Decode(DType, bytes, dst.Slice(done, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>"FILE: tensor T", or just "FILE" for an unnamed array.</summary>
    public static string Where(string path, string? tensor) => tensor is null ? path : $"{path}: tensor {tensor}";

    private void ReadExactly(Span<byte> dst, long position) => InputFiles.ReadExactly(handle, Describe(), dst, position);
}
