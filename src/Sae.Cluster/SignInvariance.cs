using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// Which SAEs are matched by |cos| (MatchingOptions.SignInvariant) when nobody says otherwise: those whose
/// architecture has signed latents (ArchitectureSpec.SignedLatents, e.g. AbsTopK), where decoder row w with
/// activation a is the same feature as −w with −a. Sweeps (comparisons, appears-in-m-of-N, ground truth) and
/// sae compare's default ask here, so the rule is written once.
/// </summary>
internal static class SignInvariance
{
    /// <summary>True when an SAE of this architecture (null: unknown, e.g. a bare .safetensors file) has signed latents.</summary>
    public static bool For(SaeArchitecture? architecture) =>
        architecture is { } id && SaeArchitectures.Find(id) is { SignedLatents: true };

    /// <summary>"abstopk": the architectures with signed latents, for help texts and messages.</summary>
    public static string ArchitectureNames => string.Join(", ", SaeArchitectures.All.Where(a => a.SignedLatents).Select(a => a.Name));

    /// <summary>True when the SAEs of this sweep cell have signed latents.</summary>
    public static bool For(CellDocument cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return SaeArchitectures.FromName(cell.Architecture) is { SignedLatents: true };
    }
}
