using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>Expands the grid section of a sweep file into cells (every combination of each entry's lists).</summary>
internal static class SweepGrid
{
    public static List<CellSpec> Cells(List<GridEntryFile>? grid, TrainingFile t, int dimension, string datasetKey, string origin)
    {
        if (grid is null || grid.Count == 0)
            throw new SaeInputException($"{origin}: grid needs at least one entry (architecture, latents, …).");
        var cells = new List<CellSpec>();
        for (int i = 0; i < grid.Count; i++)
            cells.AddRange(Expand(grid[i], t, dimension, datasetKey, $"{origin}: grid[{i}]"));
        var duplicate = cells.GroupBy(c => c.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new SaeInputException($"{origin}: the grid lists the cell {duplicate.Key} twice.");
        return cells;
    }

    private static IEnumerable<CellSpec> Expand(GridEntryFile g, TrainingFile t, int dimension, string datasetKey, string where)
    {
        var arch = SaeArchitectures.FromName(g.Architecture)
            ?? throw new SaeInputException($"{where}.architecture must be {SaeArchitectures.NameList} (got '{g.Architecture}').");
        if (g.Latents is null || g.Latents.Count == 0)
            throw new SaeInputException($"{where}.latents must list at least one width.");
        if (!arch.Uses(SaeSettings.L1) && g.L1 is not null)
            throw new SaeInputException($"{where}: l1 applies to architecture {SaeArchitectures.NamesUsing(SaeSettings.L1)} only.");
        if (!arch.Uses(SaeSettings.K) && g.K is not null)
            throw new SaeInputException($"{where}: k applies to architecture {SaeArchitectures.NamesUsing(SaeSettings.K)} only.");
        if (!arch.Uses(SaeSettings.L0) && g.L0 is not null)
            throw new SaeInputException($"{where}: l0 applies to architecture {SaeArchitectures.NamesUsing(SaeSettings.L0)} only.");
        if (!arch.Uses(SaeSettings.Groups) && g.Groups is not null)
            throw new SaeInputException($"{where}: groups applies to architecture {SaeArchitectures.NamesUsing(SaeSettings.Groups)} only.");
        var steps = g.Steps ?? [t.Steps ?? throw new SaeInputException($"{where}: no steps (set training.steps or the entry's steps).")];
        // a cell's sparsity setting: k where the architecture has one, else λ₀ (JumpReLU) or λ
        var sparsity = arch.Uses(SaeSettings.K) ? (g.K ?? [32]).Select(k => (double)k).ToList()
            : arch.Uses(SaeSettings.L0) ? g.L0 ?? [1.0] : g.L1 ?? [1e-3];
        foreach (int latents in g.Latents)
        {
            foreach (double s in sparsity)
            {
                foreach (long n in steps)
                    yield return Cell(arch, latents, s, n, g, t, dimension, datasetKey, where);
            }
        }
    }

    private static CellSpec Cell(ArchitectureSpec arch, int latents, double sparsity, long steps, GridEntryFile g, TrainingFile t,
        int dimension, string datasetKey, string where)
    {
        try
        {
            // training-wide defaults (multi_topk, auxk_alpha, threshold_start_step) apply to the architectures that use them
            var sae = new SaeConfig(arch.Id, dimension, latents, k: arch.Uses(SaeSettings.K) ? (int)sparsity : 32,
                l1Coefficient: arch.Uses(SaeSettings.L1) ? sparsity : 1e-3, l1WarmupSteps: t.L1WarmupSteps ?? 0,
                multiTopK: arch.Uses(SaeSettings.MultiTopK) && (t.MultiTopk ?? false), auxKAlpha: arch.Uses(SaeSettings.AuxK) ? t.AuxkAlpha ?? 0 : 0,
                deadTokens: t.DeadTokens ?? 10_000_000,
                thresholdStartStep: arch.Uses(SaeSettings.ThresholdStart) ? t.ThresholdStartStep ?? 1000 : 1000,
                l0Coefficient: arch.Uses(SaeSettings.L0) ? sparsity : 1.0, l0WarmupSteps: arch.Uses(SaeSettings.L0) ? t.L0WarmupSteps ?? 0 : 0,
                jumpReluBandwidth: arch.Uses(SaeSettings.JumpRelu) ? t.JumpreluBandwidth ?? 0.05 : 0.05,
                jumpReluInitThreshold: arch.Uses(SaeSettings.JumpRelu) ? t.JumpreluInitThreshold ?? 0.01 : 0.01,
                groups: g.Groups);
            var train = new TrainConfig(g.Batch ?? t.Batch ?? 4096, steps, g.Lr ?? t.Lr, t.LrWarmupSteps ?? 1000, Decay(t.LrDecay, where),
                GradClip(t.GradClip, where), dataSeed: t.DataSeed);
            return new CellSpec(Key(sae, train, datasetKey), sae, train);
        }
        catch (SaeInputException e)
        {
            // the configs name their settings as CLI options ("--k"); in a sweep file they are keys ("k")
            throw new SaeInputException($"{where}: {e.Message.Replace("--", "", StringComparison.Ordinal)}", e);
        }
    }

    private static LearningRateDecay Decay(string? text, string where) => text switch
    {
        null or "linear" => LearningRateDecay.Linear,
        "none" => LearningRateDecay.None,
        _ => throw new SaeInputException($"training.lr_decay must be linear or none (got '{text}')."),
    };

    private static double? GradClip(string? text, string where)
    {
        if (text is null)
            return 1.0;
        if (text == "none")
            return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new SaeInputException($"training.grad_clip must be a number or none (got '{text}').");
    }

    // readable prefix + a hash of every setting that changes the result, so equal keys mean equal SAEs
    internal static string Key(SaeConfig sae, TrainConfig train, string datasetKey)
    {
        var inv = CultureInfo.InvariantCulture;
        string sparsity = sae.Spec.Uses(SaeSettings.K) ? $"k{sae.K}"
            : sae.Spec.Uses(SaeSettings.L0) ? string.Create(inv, $"l0{sae.L0Coefficient:G6}") : string.Create(inv, $"l1{sae.L1Coefficient:G6}");
        string prefix = $"{sae.Spec.Name}-w{sae.Latents}-{sparsity}-s{train.Steps}";
        string identity = string.Create(inv,
            $"{datasetKey}|{sae.Architecture}|{sae.Dimension}|{sae.Latents}|{sae.K}|{sae.L1Coefficient:R}|{sae.L1WarmupSteps}|{sae.MultiTopK}|{sae.AuxKAlpha:R}|{sae.DeadTokens}|"
            + $"{train.BatchSize}|{train.Steps}|{train.ResolveLearningRate(sae):R}|{train.WarmupSteps}|{train.Decay}|{train.GradClip:R}|{train.Beta1:R}|{train.Beta2:R}|{train.Epsilon:R}|{train.DataSeed}");
        // settings only some architectures have are appended, so the other cells keep their keys
        if (sae.Spec.Uses(SaeSettings.ThresholdStart))
            identity += string.Create(inv, $"|{sae.ThresholdStartStep}");
        if (sae.Spec.Uses(SaeSettings.L0))
            identity += string.Create(inv, $"|l0 {sae.L0Coefficient:R}|{sae.L0WarmupSteps}");
        if (sae.Spec.Uses(SaeSettings.JumpRelu))
            identity += string.Create(inv, $"|jumprelu {sae.JumpReluBandwidth:R}|{sae.JumpReluInitThreshold:R}");
        if (sae.Spec.Uses(SaeSettings.Groups))
            identity += $"|groups {sae.GroupsText}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 3));
        return $"{prefix}-{hash}".Replace('+', 'p');
    }
}
