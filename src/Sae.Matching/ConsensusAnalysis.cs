namespace Sae.Matching;

/// <summary>
/// The paper's N-seed statistic: for every latent of each SAE, in how many of the other N − 1 SAEs
/// it has a shared partner. "Shared partner in SAE t" is the pair rule seen from this SAE's side:
/// its decoder-assigned partner has cosine &gt; threshold and its encoder-assigned partner has
/// cosine &gt; threshold (<see cref="PairResult.SharedMask"/>); the two partners need not agree.
/// A latent then "appears in m of N SAEs" with m = 1 + that count (itself included). A pair matched
/// sign-invariantly (<see cref="PairResult.SignInvariant"/>) holds |cos| as its matched cosines, so
/// the same rule reads |cos| &gt; threshold there: a sign-flipped copy counts as shared.
/// </summary>
public static class ConsensusAnalysis
{
    /// <summary>Combines the comparisons of all N(N − 1)/2 pairs.</summary>
    /// <param name="latents">[N]: latents of each SAE.</param>
    /// <param name="pairs">Every unordered pair exactly once, with First &lt; Second.</param>
    /// <exception cref="ArgumentException">A pair is missing, repeated, out of range, or does not fit the latent counts.</exception>
    public static ConsensusResult Compute(IReadOnlyList<int> latents, IReadOnlyList<IndexedPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(pairs);
        int n = latents.Count;
        Validate(latents, pairs);
        var appears = latents.Select(count => Enumerable.Repeat(1, count).ToArray()).ToArray();
        var matrix = Enumerable.Range(0, n).Select(s => Enumerable.Range(0, n).Select(t => s == t ? 1.0 : 0.0).ToArray()).ToArray();
        foreach (var (first, second, result) in pairs)
        {
            matrix[first][second] = Accumulate(result.SharedMask(result.SideOf(firstArgument: true)), appears[first]);
            matrix[second][first] = Accumulate(result.SharedMask(result.SideOf(firstArgument: false)), appears[second]);
        }
        var saes = appears.Select(m => Summarise(m, n)).ToArray();
        return new ConsensusResult(matrix, saes);
    }

    // adds 1 to every shared latent's count; returns the shared fraction
    private static double Accumulate(bool[] shared, int[] appears)
    {
        int count = 0;
        for (int i = 0; i < shared.Length; i++)
        {
            if (shared[i])
            {
                appears[i]++;
                count++;
            }
        }
        return shared.Length == 0 ? 0 : (double)count / shared.Length;
    }

    private static SaeConsensus Summarise(int[] appearsIn, int n)
    {
        var histogram = new long[n];
        foreach (int m in appearsIn)
            histogram[m - 1]++;
        var all = Enumerable.Range(0, appearsIn.Length).Where(i => appearsIn[i] == n).ToArray();
        return new SaeConsensus(appearsIn, histogram, all);
    }

    private static void Validate(IReadOnlyList<int> latents, IReadOnlyList<IndexedPair> pairs)
    {
        int n = latents.Count;
        var seen = new HashSet<(int, int)>();
        foreach (var (first, second, result) in pairs)
        {
            if (first < 0 || second >= n || first >= second)
                throw new ArgumentException($"pair ({first}, {second}) must satisfy 0 <= First < Second < N = {n}.", nameof(pairs));
            if (!seen.Add((first, second)))
                throw new ArgumentException($"pair ({first}, {second}) is listed twice.", nameof(pairs));
            int firstLatents = result.Swapped ? result.LatentsB : result.LatentsA, secondLatents = result.Swapped ? result.LatentsA : result.LatentsB;
            if (firstLatents != latents[first] || secondLatents != latents[second])
                throw new ArgumentException($"pair ({first}, {second}) compares {firstLatents} and {secondLatents} latents, but the SAEs have {latents[first]} and {latents[second]}.", nameof(pairs));
        }
        if (seen.Count != n * (n - 1) / 2)
            throw new ArgumentException($"{n} SAEs need all {n * (n - 1) / 2} pairs; got {seen.Count}.", nameof(pairs));
    }
}
