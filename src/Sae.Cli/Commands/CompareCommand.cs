using System.CommandLine;
using Sae.Cli.Rendering;
using Sae.Cluster;
using Sae.Matching;

namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae compare A B [C …]</c>: the paper's matching of every pair of SAEs (shared latents,
/// agreement, MMCS, threshold curve), the N-SAE "appears in m of N" consensus, and optionally
/// ground-truth recovery; tables on stdout, summary.json and per-pair match tables in --out.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var options = new CompareOptions();
        var command = new Command("compare",
            "Match the latents of SAEs trained with different seeds (Paulo & Belrose 2025): per pair, two independent one-to-one "
            + "assignments on decoder and encoder cosines; a latent is shared when both matched cosines exceed --threshold. "
            + $"Fractions are over the latents of the narrower SAE of each pair (the first on a tie). SAEs with signed latents ({SignInvariance.ArchitectureNames}) "
            + "are matched by |cos| (see --sign-invariant). Writes OUT/summary.json and "
            + "OUT/{a}__{b}.matches.csv; names come from the paths (directory name, made unique with parent names).");
        command.Arguments.Add(options.Saes);
        foreach (var o in options.All)
            command.Options.Add(o);
        command.SetAction(r => Execute(options.ToSettings(r)));
        return command;
    }

    private static int Execute(CompareSettings settings)
    {
        var inputs = CompareInputs.Load(settings);
        var options = settings.Matching;
        Console.Error.WriteLine($"compare: {inputs.Saes.Count} SAEs, d = {inputs.Dimension}, latents "
            + $"{string.Join(", ", inputs.Saes.Select((s, i) => $"{inputs.Names[i]}={s.Parameters.Latents}"))}; threshold {options.Threshold}{SignNote(settings, inputs)}");
        using var cancel = new CtrlC();
        try
        {
            var pairs = ComparePairs(inputs, settings, cancel.Token);
            var consensus = ConsensusAnalysis.Compute(inputs.Saes.Select(s => s.Parameters.Latents).ToArray(), pairs);
            var recoveries = inputs.Features is null ? null : Recover(inputs, consensus, settings, cancel.Token);
            CompareOutputs.Write(settings.Out, inputs, options, pairs, consensus, recoveries, settings.GroundTruth);
            PrintSummary(inputs, options, pairs, consensus, recoveries, settings.Out);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("sae: interrupted; nothing was written.");
            return 130;
        }
    }

    // how the pairs will be matched, when that is not the paper's signed cosine
    private static string SignNote(CompareSettings settings, CompareInputs inputs)
    {
        var signed = inputs.Names.Where((_, i) => CompareSettings.Signed(inputs.Saes[i])).ToArray();
        string names = string.Join(", ", signed);
        return settings.Sign switch
        {
            CompareSignMode.On => "; every pair matched by |cos| (--sign-invariant on)",
            CompareSignMode.Auto when signed.Length > 0 => $"; pairs with {names} (signed latents) matched by |cos| (--sign-invariant off for cos)",
            CompareSignMode.Off when signed.Length > 0 => $"; matched by cos although {names} {(signed.Length == 1 ? "has" : "have")} signed latents (--sign-invariant off)",
            _ => "",
        };
    }

    private static IndexedPair[] ComparePairs(CompareInputs inputs, CompareSettings settings, CancellationToken cancel)
    {
        int n = inputs.Saes.Count;
        var indices = (from i in Enumerable.Range(0, n) from j in Enumerable.Range(i + 1, n - i - 1) select (i, j)).ToArray();
        var labels = indices.Select(p => $"{inputs.Names[p.i]} vs {inputs.Names[p.j]}").ToArray();
        return CompareProgressRenderer.RunPairs(labels, (k, progress) =>
        {
            var (i, j) = indices[k];
            var (a, b) = (inputs.Saes[i], inputs.Saes[j]);
            var result = PairComparison.Compare(a.Parameters, b.Parameters, settings.ForPair(a, b), progress, cancel);
            return new IndexedPair(i, j, result);
        });
    }

    private static RecoveryResult[] Recover(CompareInputs inputs, ConsensusResult consensus, CompareSettings settings, CancellationToken cancel) =>
        inputs.Saes.Select((s, i) => GroundTruthRecovery.Compute(inputs.Features, inputs.FeatureCount, s.Parameters, consensus.Saes[i].AppearsIn,
            consensus.SaeCount, settings.Matching.Threads, signInvariant: settings.SignInvariantRecovery(s), cancel: cancel)).ToArray();

    private static void PrintSummary(CompareInputs inputs, MatchingOptions options, IndexedPair[] pairs, ConsensusResult consensus,
        RecoveryResult[]? recoveries, string outDir)
    {
        CompareTables.Pairs(pairs.Select(p =>
        {
            var (a, b) = CompareOutputs.PairNames(p, inputs.Names);
            return (a, b, p.Result.Summary);
        }).ToArray());
        if (inputs.Saes.Count > 2)
            CompareTables.Consensus(consensus, inputs.Names);
        if (recoveries is not null)
            CompareTables.Recovery(recoveries, inputs.Names);
        Console.WriteLine($"shared = decoder- and encoder-matched cosine both > {options.Threshold}; fractions are over the latents of a (the narrower SAE of each pair).");
        foreach (var p in pairs.Where(p => p.Result.SignInvariant))
        {
            var (a, b) = CompareOutputs.PairNames(p, inputs.Names);
            var s = p.Result.Summary;
            Console.WriteLine($"{a} vs {b} matched by |cos|: {s.FlippedDec} of {s.LatentsA} decoder and {s.FlippedEnc} encoder partners have the opposite sign (dec_sign, enc_sign in its matches.csv).");
        }
        Console.WriteLine($"wrote {Path.Combine(outDir, CompareOutputs.SummaryFile)} and {pairs.Length} per-latent table(s) {outDir}/{{a}}__{{b}}.matches.csv.");
    }
}
