using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sae.Core;

/// <summary>
/// Writes and reads SAEs in the layouts researchers already use (sparsify and SAELens), detecting
/// the layout on load from the file names or, for a bare .safetensors file, the tensor names.
/// </summary>
public static class SaeFiles
{
    /// <summary>File name of the weights in each layout.</summary>
    public static string WeightsFile(SaeFileLayout layout) => layout == SaeFileLayout.Sparsify ? "sae.safetensors" : "sae_weights.safetensors";

    /// <summary>Writes cfg.json and the weights into <paramref name="directory"/> (created if needed); each file atomically.</summary>
    public static void Save(string directory, SaeConfig config, SaeParameters p, SaeFileLayout layout, JsonObject? extraConfig = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(p);
        if (!p.Extras.SequenceEqual(config.Spec.ExtraTensors))
            throw new ArgumentException($"{config.Spec.Name} SAEs carry the extra tensors [{string.Join(", ", config.Spec.ExtraTensors.Select(e => e.Name))}], these parameters [{string.Join(", ", p.Extras.Select(e => e.Name))}].", nameof(p));
        Directory.CreateDirectory(directory);
        int n = p.Latents, d = p.Dimension;
        var writer = new SafeTensorsWriter();
        if (layout == SaeFileLayout.Sparsify)
        {
            writer.AddFloat32("encoder.weight", p.EncoderWeight, n, d).AddFloat32("encoder.bias", p.EncoderBias, n)
                .AddFloat32("W_dec", p.DecoderWeight, n, d).AddFloat32("b_dec", p.DecoderBias, d);
        }
        else
        {
            writer.AddFloat32("W_enc", Transpose(p.EncoderWeight, n, d), d, n).AddFloat32(config.Spec.SaeLensEncoderBias, p.EncoderBias, n)
                .AddFloat32("W_dec", p.DecoderWeight, n, d).AddFloat32("b_dec", p.DecoderBias, d);
        }
        // extra per-latent tensors (thresholds, gates) under their own names in both layouts: [n]
        for (int t = 4; t < p.Tensors.Count; t++)
        {
            if (p.Extras[t - 4].Saved)
                writer.AddFloat32(p.TensorNames[t], p.Tensors[t], n);
        }
        writer.AddMetadata("format", "pt");
        writer.Write(Path.Combine(directory, WeightsFile(layout)));
        var cfg = layout == SaeFileLayout.Sparsify ? config.Spec.SparsifyConfig(config) : config.Spec.SaeLensConfig(config);
        foreach (var (key, value) in extraConfig ?? [])
            cfg[key] = value?.DeepClone();
        AtomicFile.WriteText(Path.Combine(directory, "cfg.json"), cfg.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Reads an SAE from a directory (sparsify's sae.safetensors or SAELens' sae_weights.safetensors,
    /// with cfg.json if present) or from a .safetensors file; the layout is detected.
    /// </summary>
    public static LoadedSae Load(string path)
    {
        string weights = path;
        string? cfgPath = null;
        if (Directory.Exists(path))
        {
            weights = new[] { WeightsFile(SaeFileLayout.Sparsify), WeightsFile(SaeFileLayout.SaeLens) }
                .Select(f => Path.Combine(path, f)).FirstOrDefault(File.Exists)
                ?? throw new SaeInputException($"{path}: no sae.safetensors (sparsify) or sae_weights.safetensors (SAELens) in this directory.");
            cfgPath = Path.Combine(path, "cfg.json");
        }
        else if (!File.Exists(path))
        {
            throw new SaeInputException($"{path}: no such file or directory.");
        }
        else
        {
            cfgPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "cfg.json");
        }
        using var file = SafeTensorsFile.Open(weights);
        var layout = file.Contains("encoder.weight") ? SaeFileLayout.Sparsify : SaeFileLayout.SaeLens;
        var cfg = File.Exists(cfgPath) ? ReadConfig(cfgPath) : null;
        var architecture = Architecture(cfg, layout);
        // the architecture (from cfg.json) says which extra tensors the weights must hold; without it only the four are read
        var p = ReadWeights(file, architecture?.ExtraTensors ?? [], architecture?.SaeLensEncoderBias ?? "b_enc");
        architecture?.CompleteLoaded?.Invoke(p);
        return new LoadedSae(path, layout, p, architecture?.Id, cfg?["k"]?.GetValue<int>());
    }

    private static SaeParameters ReadWeights(SafeTensorsFile file, IReadOnlyList<SaeExtraTensor> extras, string saeLensBias)
    {
        bool sparsify = file.Contains("encoder.weight");
        if (!sparsify && !file.Contains("W_enc"))
            throw new SaeInputException($"{file.Path}: neither sparsify (encoder.weight) nor SAELens (W_enc) tensors found; has: {string.Join(", ", file.Tensors.Select(t => t.Name))}.");
        var enc = file.GetTensor(sparsify ? "encoder.weight" : "W_enc");
        if (enc.Shape.Count != 2)
            throw new SaeInputException($"{file.Path}: tensor {enc.Name} must be 2-D, has shape {enc.ShapeText}.");
        int n = (int)(sparsify ? enc.Shape[0] : enc.Shape[1]), d = (int)(sparsify ? enc.Shape[1] : enc.Shape[0]);
        var p = new SaeParameters(n, d, extras);
        ReadExpected(file, sparsify ? "encoder.bias" : saeLensBias, [n], p.EncoderBias);
        ReadExpected(file, "W_dec", [n, d], p.DecoderWeight);
        ReadExpected(file, "b_dec", [d], p.DecoderBias);
        if (sparsify)
            file.ReadFloat32("encoder.weight", p.EncoderWeight);
        else
            Transpose(file.ReadFloat32("W_enc"), d, n).CopyTo(p.EncoderWeight, 0);
        for (int t = 4; t < p.Tensors.Count; t++)
        {
            if (p.Extras[t - 4].Saved)
                ReadExpected(file, p.TensorNames[t], [n], p.Tensors[t]);
        }
        return p;
    }

    private static void ReadExpected(SafeTensorsFile file, string name, long[] shape, float[] destination)
    {
        if (!file.Contains(name))
            throw new SaeInputException($"{file.Path}: tensor {name} is missing.");
        var t = file.GetTensor(name);
        if (!t.Shape.SequenceEqual(shape))
            throw new SaeInputException($"{file.Path}: tensor {name} has shape {t.ShapeText}, expected [{string.Join(", ", shape)}].");
        file.ReadFloat32(name, destination);
    }

    private static JsonObject ReadConfig(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new SaeInputException($"{path}: cfg.json must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{path}: cfg.json is not valid JSON ({e.Message.Split('\n')[0]}).", e);
        }
    }

    private static ArchitectureSpec? Architecture(JsonObject? cfg, SaeFileLayout layout)
    {
        // an architecture SAELens saves under another name (BatchTopK as jumprelu) says what it was trained as
        string? trained = layout == SaeFileLayout.SaeLens ? (cfg?["metadata"] as JsonObject)?["training_architecture"]?.GetValue<string>() : null;
        if (SaeArchitectures.FromFileName(trained) is { } named)
            return named;
        return SaeArchitectures.FromFileName(cfg?[layout == SaeFileLayout.Sparsify ? "activation" : "architecture"]?.GetValue<string>());
    }

    private static float[] Transpose(ReadOnlySpan<float> x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[(long)c * rows + r] = x[r * cols + c];
        return t;
    }
}
