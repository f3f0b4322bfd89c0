using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace Sae.Core;

/// <summary>
/// Writes a 2-D C-ordered .npy file ('&lt;f4', or '&lt;f2' rounded from float32) exactly as
/// <c>numpy.save</c> lays it out: version 1.0 (2.0 when the header needs more than 65535 bytes),
/// the header dictionary padded with spaces and a newline to a multiple of 64 bytes. Atomic.
/// </summary>
internal static class NpyWriter
{
    /// <summary>Writes data [rows, cols] to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlyMemory<float> data, long rows, long cols, bool half = false)
    {
        if (rows * cols != data.Length)
            throw new ArgumentException($"data has {data.Length} elements but shape ({rows}, {cols}) needs {rows * cols}.", nameof(data));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Header(half ? "<f2" : "<f4", rows, cols));
            if (!half)
            {
                SafeTensorsWriter.WriteChunked(stream, data);
                return;
            }
            var buffer = new Half[Math.Min(data.Length, 1 << 16)];
            for (int i = 0; i < data.Length; i += buffer.Length)
            {
                int n = Math.Min(buffer.Length, data.Length - i);
                TensorPrimitives.ConvertToHalf(data.Span.Slice(i, n), buffer.AsSpan(0, n));
                stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
            }
        });
    }

    /// <summary>Magic, version, length and the padded header dictionary.</summary>
    public static byte[] Header(string descr, long rows, long cols)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int version = dict.Length + 1 + 10 > ushort.MaxValue ? 2 : 1;
        int prefix = version == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string text = dict.PadRight(padded - prefix - 1) + "\n";
        var bytes = new byte[padded];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = (byte)version;
        if (version == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        Encoding.Latin1.GetBytes(text, bytes.AsSpan(prefix));
        return bytes;
    }
}
