namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae compare --sign-invariant auto|on|off</c>: whether a pair is matched by |cos| (each matched
/// pair then records its sign) instead of the paper's signed cosine.
/// </summary>
internal enum CompareSignMode
{
    /// <summary>By |cos| when either SAE of the pair has signed latents (its cfg.json names e.g. abstopk); the default.</summary>
    Auto,

    /// <summary>Every pair by |cos|.</summary>
    On,

    /// <summary>Every pair by signed cosine, as in the paper.</summary>
    Off,
}
