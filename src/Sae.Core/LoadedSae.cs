namespace Sae.Core;

/// <summary>An SAE read from disk: its weights, the layout it was found in, and what its cfg.json said (when present).</summary>
public sealed record LoadedSae(string Path, SaeFileLayout Layout, SaeParameters Parameters, SaeArchitecture? Architecture, int? K);
