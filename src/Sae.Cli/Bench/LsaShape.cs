using System.Globalization;
using Sae.Cli.Commands;

namespace Sae.Cli.Bench;

/// <summary>The lsa-large benchmark's size: latents, depth, planted fraction, list lengths, memory budget.</summary>
internal sealed record LsaShape(int N, int D, double Planted, int PerRow, int PerColumn, long MemoryBytes)
{
    /// <summary>Parses --lsa N,D,P,M[,MC] (MC: per column, default M) and --memory GiB; a bad value is a user error naming the option.</summary>
    public static LsaShape Parse(string text, double memoryGiB)
    {
        var parts = text.Split(',');
        int mc = 0;
        if (parts.Length is not (4 or 5)
            || !int.TryParse(parts[0], out int n) || n < 1
            || !int.TryParse(parts[1], out int d) || d < 1
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p is < 0 or > 1
            || !int.TryParse(parts[3], out int m) || m < 1
            || (parts.Length == 5 && (!int.TryParse(parts[4], out mc) || mc < 0)))
            throw new UserErrorException($"--lsa must be N,D,P,M[,MC] with N, D, M positive integers, MC ≥ 0 and P between 0 and 1 (got '{text}').");
        if ((long)n * d > int.MaxValue)
            throw new UserErrorException($"--lsa {text}: N·D = {(long)n * d} exceeds the largest span ({int.MaxValue} elements).");
        if (!(memoryGiB > 0) || memoryGiB > 1 << 20)
            throw new UserErrorException($"--memory must be a positive number of GiB (got {memoryGiB}).");
        return new LsaShape(n, d, p, Math.Min(m, n), Math.Min(parts.Length == 5 ? mc : m, n), (long)(memoryGiB * (1L << 30)));
    }
}
