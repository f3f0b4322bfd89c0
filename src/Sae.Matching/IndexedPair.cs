namespace Sae.Matching;

/// <summary>The comparison of SAE <paramref name="First"/> with SAE <paramref name="Second"/> (indices into a list of N SAEs, First &lt; Second).</summary>
/// <param name="First">Index of the first argument of <see cref="PairComparison.Compare"/>.</param>
/// <param name="Second">Index of the second argument.</param>
/// <param name="Result">The result of comparing them.</param>
public sealed record IndexedPair(int First, int Second, PairResult Result);
