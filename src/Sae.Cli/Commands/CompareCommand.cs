using System.CommandLine;
using Sae.Cli.Rendering;
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
            + "Fractions are over the latents of the narrower SAE of each pair (the first on a tie). Writes OUT/summary.json and "
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
            + $"{string.Join(", ", inputs.Saes.Select((s, i) => $"{inputs.Names[i]}={s.Parameters.Latents}"))}; threshold {options.Threshold}");
        using var cancel = new CtrlC();
        try
        {
            var pairs = ComparePairs(inputs, options, cancel.Token);
            var consensus = ConsensusAnalysis.Compute(inputs.Saes.Select(s => s.Parameters.Latents).ToArray(), pairs);
            var recoveries = inputs.Features is null ? null : Recover(inputs, consensus, options, cancel.Token);
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

    private static IndexedPair[] ComparePairs(CompareInputs inputs, MatchingOptions options, CancellationToken cancel)
    {
        int n = inputs.Saes.Count;
        var indices = (from i in Enumerable.Range(0, n) from j in Enumerable.Range(i + 1, n - i - 1) select (i, j)).ToArray();
        var labels = indices.Select(p => $"{inputs.Names[p.i]} vs {inputs.Names[p.j]}").ToArray();
        return CompareProgressRenderer.RunPairs(labels, (k, progress) =>
        {
            var (i, j) = indices[k];
            var result = PairComparison.Compare(inputs.Saes[i].Parameters, inputs.Saes[j].Parameters, options, progress, cancel);
            return new IndexedPair(i, j, result);
        });
    }

    private static RecoveryResult[] Recover(CompareInputs inputs, ConsensusResult consensus, MatchingOptions options, CancellationToken cancel) =>
        inputs.Saes.Select((s, i) => GroundTruthRecovery.Compute(inputs.Features, inputs.FeatureCount, s.Parameters, consensus.Saes[i].AppearsIn,
            consensus.SaeCount, options.Threads, cancel: cancel)).ToArray();

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
        Console.WriteLine($"wrote {Path.Combine(outDir, CompareOutputs.SummaryFile)} and {pairs.Length} per-latent table(s) {outDir}/{{a}}__{{b}}.matches.csv.");
    }
}
