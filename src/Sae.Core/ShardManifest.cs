using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sae.Core;

/// <summary>
/// manifest.json of a directory of activation shards: the shard order, each shard's row count (and
/// optionally its SHA-256), d, and optionally the tensor name and a string map describing the source.
/// <code>{"d": 128, "rows": 100000, "tensor": "activations", "shards": [{"file": "shards/00000.safetensors", "rows": 65536, "sha256": "…"}], "source": {…}}</code>
/// Shard paths are relative to the manifest's directory. Unknown keys are ignored.
/// </summary>
internal sealed class ShardManifest
{
    /// <summary>The manifest's file name inside a dataset directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>d, when the manifest states it.</summary>
    public int? D { get; init; }

    /// <summary>Tensor to read from safetensors shards, when stated.</summary>
    public string? Tensor { get; init; }

    /// <summary>Shards in order.</summary>
    public IReadOnlyList<Entry> Shards { get; init; } = [];

    /// <summary>Free-form description of how the data was made (e.g. the synthetic recipe).</summary>
    public IReadOnlyDictionary<string, string> Source { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="SaeInputException">Missing, not JSON, or a field has the wrong type.</exception>
    public static ShardManifest Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SaeInputException($"{path}: no such file.", e);
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return Parse(path, doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// Hashes every shard that lists a SHA-256 (reading each file once, streaming) and compares.
    /// Not done by <see cref="ActivationSource.Open"/>, which must stay cheap for large datasets.
    /// </summary>
    /// <returns>The number of shards checked.</returns>
    /// <exception cref="SaeInputException">A shard is missing or its hash differs.</exception>
    public int Verify(string manifestPath)
    {
        string dir = Path.GetDirectoryName(manifestPath) ?? ".";
        int checkedCount = 0;
        foreach (var s in Shards.Where(s => s.Sha256 is not null))
        {
            string file = Path.Combine(dir, s.File);
            using var stream = InputFiles.OpenStream(file);
            string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!actual.Equals(s.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new SaeInputException($"{file}: SHA-256 {actual} does not match {s.Sha256} in {manifestPath} (the file changed or is corrupt).");
            checkedCount++;
        }
        return checkedCount;
    }

    /// <summary>Writes the manifest (indented JSON) atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        if (D is int d)
            json.WriteNumber("d", d);
        json.WriteNumber("rows", Shards.Sum(s => s.Rows));
        if (Tensor is not null)
            json.WriteString("tensor", Tensor);
        json.WriteStartArray("shards");
        foreach (var s in Shards)
        {
            json.WriteStartObject();
            json.WriteString("file", s.File);
            json.WriteNumber("rows", s.Rows);
            if (s.Sha256 is not null)
                json.WriteString("sha256", s.Sha256);
            if (s.Stats is { } st)
            {
                json.WriteStartObject("stats");
                json.WriteNumber("mean", st.Mean);
                json.WriteNumber("std", st.Std);
                json.WriteNumber("mean_norm", st.MeanNorm);
                json.WriteNumber("max_abs", st.MaxAbs);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("source");
        foreach (var (k, v) in Source.OrderBy(p => p.Key, StringComparer.Ordinal))
            json.WriteString(k, v);
        json.WriteEndObject();
        json.WriteEndObject();
    });

    private static ShardManifest Parse(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SaeInputException($"{path}: must be a JSON object.");
        int? d = null;
        if (root.TryGetProperty("d", out var dv))
            d = dv.ValueKind == JsonValueKind.Number && dv.TryGetInt32(out int di) && di > 0 ? di : throw new SaeInputException($"{path}: d must be a positive integer (got {dv.GetRawText()}).");
        string? tensor = null;
        if (root.TryGetProperty("tensor", out var tv))
            tensor = tv.ValueKind == JsonValueKind.String ? tv.GetString() : throw new SaeInputException($"{path}: tensor must be a string.");
        if (!root.TryGetProperty("shards", out var sv) || sv.ValueKind != JsonValueKind.Array || sv.GetArrayLength() == 0)
            throw new SaeInputException($"{path}: needs a non-empty \"shards\" array of {{\"file\", \"rows\"}}.");
        var shards = new List<Entry>();
        foreach (var s in sv.EnumerateArray())
            shards.Add(ParseShard(path, shards.Count, s));
        return new ShardManifest { D = d, Tensor = tensor, Shards = shards };
    }

    private static Entry ParseShard(string path, int i, JsonElement s)
    {
        string where = $"{path}: shards[{i}]";
        if (s.ValueKind != JsonValueKind.Object)
            throw new SaeInputException($"{where} must be an object with file and rows.");
        if (!s.TryGetProperty("file", out var f) || f.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(f.GetString()))
            throw new SaeInputException($"{where}.file must be a non-empty string.");
        if (!s.TryGetProperty("rows", out var r) || r.ValueKind != JsonValueKind.Number || !r.TryGetInt64(out long rows) || rows < 0)
            throw new SaeInputException($"{where}.rows must be a non-negative integer.");
        string? sha = null;
        if (s.TryGetProperty("sha256", out var h))
            sha = h.ValueKind == JsonValueKind.String ? h.GetString() : throw new SaeInputException($"{where}.sha256 must be a string.");
        return new Entry(f.GetString()!, rows, sha);
    }

    /// <summary>One shard: file relative to the manifest, row count, optional lowercase hex SHA-256 and statistics (written, not read back).</summary>
    internal sealed record Entry(string File, long Rows, string? Sha256, ShardStats? Stats = null);
}
