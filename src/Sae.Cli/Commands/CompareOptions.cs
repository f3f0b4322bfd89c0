using System.CommandLine;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cli.Commands;

/// <summary>The arguments and options of <c>sae compare</c>, and their translation into validated settings.</summary>
internal sealed class CompareOptions
{
    public Argument<string[]> Saes { get; } = new("saes")
    {
        Description = "Two or more SAEs: directories (sparsify or SAELens layout) or .safetensors files.",
        Arity = new ArgumentArity(2, 100_000),
    };

    public Option<string> Out { get; } = new("--out") { Description = "Output directory: summary.json and {a}__{b}.matches.csv per pair.", Required = true };
    public Option<double> Threshold { get; } = new("--threshold") { Description = "Shared when the decoder- and encoder-matched cosines are both above this.", DefaultValueFactory = _ => MatchingOptions.DefaultThreshold };
    public Option<string?> GroundTruth { get; } = new("--ground-truth") { Description = "ground_truth.safetensors of synthetic data (tensor \"features\" [G, d]): adds feature-recovery scores." };
    public Option<string> MemoryBudget { get; } = new("--memory-budget") { Description = "Largest dense similarity matrix per pair, e.g. 8GiB or 512MiB.", DefaultValueFactory = _ => "8GiB" };
    public Option<int> Threads { get; } = new("--threads") { Description = "Threads for the cosine products (results are identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };

    public IEnumerable<Option> All => [Out, Threshold, GroundTruth, MemoryBudget, Threads];

    /// <summary>Validates the settings that need no file access.</summary>
    public CompareSettings ToSettings(ParseResult r)
    {
        long budget = ByteSize.Parse(r.GetValue(MemoryBudget)!, "--memory-budget");
        var matching = new MatchingOptions(r.GetValue(Threshold), r.GetValue(Threads), budget);
        return new CompareSettings(r.GetValue(Saes)!, r.GetValue(Out)!, r.GetValue(GroundTruth), matching);
    }
}

/// <summary>Validated settings of one <c>sae compare</c>.</summary>
internal sealed record CompareSettings(IReadOnlyList<string> Paths, string Out, string? GroundTruth, MatchingOptions Matching);
