using System.Text.Json;

namespace Sae.Core;

/// <summary>
/// Parses and validates a safetensors JSON header before any tensor data is read: every entry must
/// be {dtype, shape, data_offsets} with a known dtype, shape product × dtype size = end − begin, the
/// range inside the data buffer, and no two ranges overlapping; "__metadata__" must map strings to
/// strings. Every failure is a <see cref="SaeInputException"/> naming the file and the tensor.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The header key that holds string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Tensors in header order, and the metadata (empty when absent).</summary>
    public static (List<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(string path, byte[] json, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{path}: safetensors header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SaeInputException($"{path}: safetensors header must be a JSON object (got {doc.RootElement.ValueKind}).");
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                    throw new SaeInputException($"{path}: safetensors header lists '{p.Name}' twice.");
                if (p.Name == MetadataKey)
                    ReadMetadata(path, p.Value, metadata);
                else
                    tensors.Add(ReadTensor(path, p.Name, p.Value, dataLength));
            }
            CheckOverlap(path, tensors);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SaeInputException($"{path}: {MetadataKey} must be an object of strings (got {value.ValueKind}).");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SaeInputException($"{path}: {MetadataKey} value '{m.Name}' must be a string (got {m.Value.ValueKind}).");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string path, string name, JsonElement e, long dataLength)
    {
        string where = $"{path}: tensor {name}";
        if (e.ValueKind != JsonValueKind.Object)
            throw new SaeInputException($"{where}: header entry must be an object with dtype, shape and data_offsets (got {e.ValueKind}).");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SaeInputException($"{where}: header entry has no dtype string.");
        if (!DTypes.TryParse(dt.GetString(), out var dtype))
            throw new SaeInputException($"{where}: unknown dtype '{dt.GetString()}' (known: {DTypes.Known}).");
        long[] shape = ReadIntegers(where, e, "shape", -1);
        long[] offsets = ReadIntegers(where, e, "data_offsets", 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
            throw new SaeInputException($"{where}: data_offsets [{begin}, {end}] lie outside the data buffer of {dataLength} bytes (is the file truncated?).");
        long bytes = ByteCount(where, shape, dtype);
        if (bytes != end - begin)
            throw new SaeInputException($"{where}: shape [{string.Join(", ", shape)}] of {DTypes.Name(dtype)} needs {bytes} bytes but data_offsets [{begin}, {end}] span {end - begin}.");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(string where, JsonElement e, string key, int count)
    {
        if (!e.TryGetProperty(key, out var a) || a.ValueKind != JsonValueKind.Array)
            throw new SaeInputException($"{where}: header entry has no {key} array.");
        if (count >= 0 && a.GetArrayLength() != count)
            throw new SaeInputException($"{where}: {key} must have {count} entries (got {a.GetArrayLength()}).");
        var values = new long[a.GetArrayLength()];
        int i = 0;
        foreach (var v in a.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out values[i]) || values[i] < 0)
                throw new SaeInputException($"{where}: {key} must hold non-negative integers (got {v.GetRawText()}).");
            i++;
        }
        return values;
    }

    private static long ByteCount(string where, long[] shape, TensorDType dtype)
    {
        try
        {
            long n = DTypes.Size(dtype);
            foreach (long s in shape)
                n = checked(n * s);
            return n;
        }
        catch (OverflowException)
        {
            throw new SaeInputException($"{where}: shape [{string.Join(", ", shape)}] is too large.");
        }
    }

    /// <summary>Sorted by start, each non-empty range must begin at or after the previous one's end.</summary>
    private static void CheckOverlap(string path, List<SafeTensorInfo> tensors)
    {
        var sorted = tensors.Where(t => t.DataEnd > t.DataBegin).OrderBy(t => t.DataBegin).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            var (a, b) = (sorted[i - 1], sorted[i]);
            if (b.DataBegin < a.DataEnd)
                throw new SaeInputException($"{path}: tensor {b.Name} data_offsets [{b.DataBegin}, {b.DataEnd}] overlap tensor {a.Name} [{a.DataBegin}, {a.DataEnd}].");
        }
    }
}
