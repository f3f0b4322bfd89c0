using System.Buffers.Binary;
using System.Text;

namespace Sae.Core.Tests;

/// <summary>Builds safetensors files byte by byte, so tests do not depend on the writer under test.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>8-byte little-endian header length, the header as given (not padded), then data.</summary>
    public static byte[] Build(string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    /// <summary>Little-endian bytes of float32 values.</summary>
    public static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    /// <summary>[rows, cols] values row·1000 + col + offset.</summary>
    public static float[] Ramp(long rows, int cols, float offset = 0)
    {
        var v = new float[rows * cols];
        for (int i = 0; i < v.Length; i++)
            v[i] = (i / cols) * 1000 + (i % cols) + offset;
        return v;
    }
}
