using System.CommandLine;
using System.CommandLine.Parsing;
using Sae.Cluster;
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

    // no default factory: absent reads as default(CompareSignMode) = Auto, and the help shows the values instead of "[default: Auto]"
    public Option<CompareSignMode> SignInvariant { get; } = new("--sign-invariant")
    {
        Description = "Match by |cos| instead of cos and record each matched pair's sign (dec_sign, enc_sign in matches.csv), for SAEs "
            + "with signed latents, where w with activation a and -w with -a are one feature. auto (the default): pairs in which either "
            + $"SAE's cfg.json names such an architecture ({SignInvariance.ArchitectureNames}); on, or the bare flag: every pair; off: signed cosines as in the paper.",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "auto|on|off",
        CustomParser = ParseSignMode,
    };

    public IEnumerable<Option> All => [Out, Threshold, GroundTruth, MemoryBudget, Threads, SignInvariant];

    /// <summary>Validates the settings that need no file access.</summary>
    public CompareSettings ToSettings(ParseResult r)
    {
        long budget = ByteSize.Parse(r.GetValue(MemoryBudget)!, "--memory-budget");
        var matching = new MatchingOptions(r.GetValue(Threshold), r.GetValue(Threads), budget);
        return new CompareSettings(r.GetValue(Saes)!, r.GetValue(Out)!, r.GetValue(GroundTruth), matching, r.GetValue(SignInvariant));
    }

    // "auto", "on"/"true", "off"/"false", or nothing (the bare flag: on). System.CommandLine gives an option with an
    // optional value the next token whatever it is, so "--sign-invariant A B" takes A: the error says where to put it.
    private static CompareSignMode ParseSignMode(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
            return CompareSignMode.On;
        string value = result.Tokens[0].Value;
        switch (value.ToLowerInvariant())
        {
            case "auto":
                return CompareSignMode.Auto;
            case "on" or "true":
                return CompareSignMode.On;
            case "off" or "false":
                return CompareSignMode.Off;
            default:
                result.AddError($"--sign-invariant must be auto, on or off (got '{value}'); given alone it means on and must come after the SAEs");
                return CompareSignMode.Auto;
        }
    }
}

/// <summary>Validated settings of one <c>sae compare</c>.</summary>
internal sealed record CompareSettings(IReadOnlyList<string> Paths, string Out, string? GroundTruth, MatchingOptions Matching, CompareSignMode Sign)
{
    /// <summary>The options for the pair (a, b): sign-invariant when <see cref="Sign"/> says so for these two SAEs.</summary>
    public MatchingOptions ForPair(LoadedSae a, LoadedSae b) =>
        Matching with { SignInvariant = Sign == CompareSignMode.On || (Sign == CompareSignMode.Auto && (Signed(a) || Signed(b))) };

    /// <summary>Whether <paramref name="sae"/>'s ground-truth recovery uses |cos|: on, or auto and its own latents are signed.</summary>
    public bool SignInvariantRecovery(LoadedSae sae) => Sign == CompareSignMode.On || (Sign == CompareSignMode.Auto && Signed(sae));

    /// <summary>True when the SAE's cfg.json names an architecture with signed latents.</summary>
    public static bool Signed(LoadedSae sae) => SignInvariance.For(sae.Architecture);
}
