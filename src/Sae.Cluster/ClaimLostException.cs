namespace Sae.Cluster;

/// <summary>A worker found, while writing, that another worker took its claim over (its lease had lapsed): it must stop without writing more.</summary>
internal sealed class ClaimLostException(string message) : Exception(message);
