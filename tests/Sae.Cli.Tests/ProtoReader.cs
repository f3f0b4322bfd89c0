namespace Sae.Cli.Tests;

/// <summary>
/// The protobuf wire format, just enough to read OTLP: a message is a sequence of (field number, wire type, value) with
/// wire types 0 (varint), 1 (8 bytes), 2 (length-delimited: strings, bytes, nested messages, packed arrays) and
/// 5 (4 bytes). Fields are returned in order; the caller picks the numbers it knows and ignores the rest.
/// </summary>
internal static class ProtoReader
{
    /// <summary>One field: <see cref="Value"/> holds varints and fixed-width values, <see cref="Bytes"/> length-delimited ones.</summary>
    internal readonly record struct Field(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes.Span);

        public string Hex => Convert.ToHexStringLower(Bytes.Span);
    }

    /// <summary>The fields of one message.</summary>
    public static List<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        int at = 0;
        while (at < span.Length)
        {
            ulong key = Varint(span, ref at);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, wire, Varint(span, ref at), default));
                    break;
                case 1:
                    fields.Add(new Field(number, wire, BitConverter.ToUInt64(span.Slice(at, 8)), default));
                    at += 8;
                    break;
                case 2:
                    int length = checked((int)Varint(span, ref at));
                    fields.Add(new Field(number, wire, 0, message.Slice(at, length)));
                    at += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wire, BitConverter.ToUInt32(span.Slice(at, 4)), default));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf: wire type {wire} (field {number}) at byte {at} is not supported");
            }
        }
        return fields;
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> (repeated sub-messages).</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    private static ulong Varint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("protobuf: varint longer than 10 bytes");
    }
}
