using Sae.Core;
using Sae.Matching;

namespace Sae.Cli.Commands;

/// <summary>
/// Everything <c>sae compare</c> reads, loaded and checked before any work starts: the SAEs
/// (same d, at least one latent), their names, the ground-truth features, and that every pair
/// fits the dense path.
/// </summary>
internal sealed record CompareInputs(IReadOnlyList<LoadedSae> Saes, IReadOnlyList<string> Names, float[]? Features, int FeatureCount)
{
    /// <summary>Name of the tensor holding the true feature directions [G, d] in ground_truth.safetensors.</summary>
    public const string FeaturesTensor = "features";

    public int Dimension => Saes[0].Parameters.Dimension;

    /// <summary>Loads and validates; a problem is a UserErrorException or SaeInputException (one line, exit 2).</summary>
    public static CompareInputs Load(CompareSettings settings)
    {
        foreach (string path in settings.Paths.Append(settings.GroundTruth).OfType<string>())
        {
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new UserErrorException($"{path}: no such file or directory.");
        }
        if (File.Exists(settings.Out))
            throw new UserErrorException($"--out {settings.Out} is a file; give a directory.");
        var saes = settings.Paths.Select(SaeFiles.Load).ToArray();
        CheckShapes(saes);
        CheckDenseFits(saes, settings.Matching);
        var (features, count) = settings.GroundTruth is { } gt ? LoadFeatures(gt, saes[0].Parameters.Dimension) : (null, 0);
        // last check, once everything else is known good: --out must be creatable before minutes of matching
        Directory.CreateDirectory(settings.Out);
        return new CompareInputs(saes, SaeNames.Derive(settings.Paths), features, count);
    }

    private static void CheckShapes(LoadedSae[] saes)
    {
        var first = saes[0];
        foreach (var sae in saes)
        {
            if (sae.Parameters.Dimension != first.Parameters.Dimension)
                throw new UserErrorException($"the SAEs read different widths: {first.Path} has d = {first.Parameters.Dimension}, {sae.Path} has d = {sae.Parameters.Dimension}.");
            if (sae.Parameters.Latents == 0)
                throw new UserErrorException($"{sae.Path}: the SAE has no latents.");
        }
    }

    /// <summary>Pairs past the dense budget use the large-scale matcher, which still needs its unit-row copies and working memory.</summary>
    private static void CheckDenseFits(LoadedSae[] saes, MatchingOptions options)
    {
        var widest = saes.OrderByDescending(s => s.Parameters.Latents).Take(2).ToArray();
        int na = widest[1].Parameters.Latents, nb = widest[0].Parameters.Latents, d = widest[0].Parameters.Dimension;
        if (options.FitsDense(na, nb))
            return;
        long needed = PairComparison.LargeScaleMinimumBytes(na, nb, d);
        if (options.MemoryBudgetBytes < needed)
            throw new UserErrorException($"--memory-budget {PairComparison.FormatBytes(options.MemoryBudgetBytes)} is too small: {widest[1].Path} vs {widest[0].Path} "
                + $"needs {PairComparison.FormatBytes(MatchingOptions.DenseBytes(na, nb))} densely, or at least {PairComparison.FormatBytes(needed)} for the large-scale matcher.");
    }

    // G: [count, d] from the "features" tensor
    private static (float[] Features, int Count) LoadFeatures(string path, int d)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"--ground-truth {path} must be a .safetensors file (e.g. the ground_truth.safetensors of sae data).");
        using var file = SafeTensorsFile.Open(path);
        if (!file.Contains(FeaturesTensor))
            throw new UserErrorException($"{path}: no tensor \"{FeaturesTensor}\" (has: {string.Join(", ", file.Tensors.Select(t => t.Name))}).");
        var t = file.GetTensor(FeaturesTensor);
        if (t.Shape.Count != 2 || t.Shape[1] != d)
            throw new UserErrorException($"{path}: tensor \"{FeaturesTensor}\" has shape {t.ShapeText}, expected [G, {d}] to match the SAEs' d = {d}.");
        return (file.ReadFloat32(FeaturesTensor), (int)t.Shape[0]);
    }
}
