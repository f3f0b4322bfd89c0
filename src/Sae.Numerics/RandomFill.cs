namespace Sae.Numerics;

/// <summary>
/// Counter-based random fills: (seed, stream, element index) → number, with <see cref="Philox"/>.
/// Element e of a logical stream (e = <c>offset</c> + position in <c>dst</c>) is computed from
/// Philox block e / 4 of (seed, stream) alone — word e mod 4 for <see cref="Bits"/> and
/// <see cref="Uniform"/>, a Box–Muller pair for <see cref="Normal"/> — so the bits are the same for
/// every thread count, every instruction set, and every way of splitting a fill into sub-ranges.
/// </summary>
/// <remarks>Work is split into chunks of a fixed number of elements, never by thread count.</remarks>
public static class RandomFill
{
    /// <summary>Elements per parallel chunk (fixed).</summary>
    private const int ChunkSize = 1 << 14;

    /// <summary>dst[j] = word ((offset + j) mod 4) of Philox block (offset + j) / 4 of (seed, stream).</summary>
    /// <param name="dst">Output.</param>
    /// <param name="seed">Seed (the Philox key).</param>
    /// <param name="stream">Stream (the high counter words).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <param name="offset">Logical index of dst[0] in the stream.</param>
    /// <exception cref="ArgumentException">offset + dst.Length overflows 2⁶⁴.</exception>
    public static unsafe void Bits(Span<uint> dst, ulong seed, ulong stream, int threads = 1, ulong offset = 0)
    {
        Validate(dst.Length, threads, offset);
        if (threads == 1 || dst.Length <= ChunkSize)
        {
            RandomKernels.Bits(dst, seed, stream, offset);
            return;
        }
        fixed (uint* p = dst)
        {
            nint a = (nint)p;
            int n = dst.Length;
            Partition.For(Partition.Count(n, ChunkSize), threads, c => RandomKernels.Bits(
                new Span<uint>((uint*)a + (long)c * ChunkSize, Math.Min(ChunkSize, n - c * ChunkSize)), seed, stream, offset + (ulong)c * ChunkSize));
        }
    }

    /// <summary>
    /// Uniform floats in [low, high): with w the element's word, u = (w ≫ 8)·2⁻²⁴ (24 high bits,
    /// exact, in [0, 1 − 2⁻²⁴]) and dst = low + (high − low)·u in float (multiply, then add); a result
    /// that rounds up to high is replaced by the float just below high, so high is never returned.
    /// </summary>
    /// <param name="dst">Output.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="low">Inclusive lower bound (finite).</param>
    /// <param name="high">Exclusive upper bound (finite, &gt; low, high − low finite).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <param name="offset">Logical index of dst[0] in the stream.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite with low &lt; high.</exception>
    public static unsafe void Uniform(Span<float> dst, ulong seed, ulong stream, float low, float high, int threads = 1, ulong offset = 0)
    {
        Validate(dst.Length, threads, offset);
        if (!(float.IsFinite(low) && float.IsFinite(high) && low < high && float.IsFinite(high - low)))
            throw new ArgumentOutOfRangeException(nameof(high), high, $"low and high must be finite with low < high and a finite high − low (got low = {low}, high = {high}).");
        var map = new UniformMap(low, high);
        if (threads == 1 || dst.Length <= ChunkSize)
        {
            RandomKernels.Uniform(dst, seed, stream, offset, map);
            return;
        }
        fixed (float* p = dst)
        {
            nint a = (nint)p;
            int n = dst.Length;
            Partition.For(Partition.Count(n, ChunkSize), threads, c => RandomKernels.Uniform(
                new Span<float>((float*)a + (long)c * ChunkSize, Math.Min(ChunkSize, n - c * ChunkSize)), seed, stream, offset + (ulong)c * ChunkSize, map));
        }
    }

    /// <summary>
    /// Normal floats N(mean, std²) by Box–Muller. Block b = e / 4 gives words (w0, w1, w2, w3);
    /// elements 4b and 4b+1 are r·cos θ and r·sin θ of the pair (w0, w1), elements 4b+2 and 4b+3 the
    /// same of (w2, w3), where for a pair (a, c): u1 = (a + 1)·2⁻³² ∈ (0, 1], u2 = c·2⁻³² ∈ [0, 1),
    /// r = sqrt(−2 ln u1), θ = 2π·u2, all in double; dst = (float)(mean + std·z). |z| ≤ 6.66.
    /// The transcendental functions are the platform's (Math.Log, Math.SinCos): bits are fixed on a
    /// given machine; another libm could, rarely, change a last float bit.
    /// </summary>
    /// <param name="dst">Output.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="mean">Mean (finite).</param>
    /// <param name="std">Standard deviation (finite, ≥ 0).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <param name="offset">Logical index of dst[0] in the stream.</param>
    /// <exception cref="ArgumentOutOfRangeException">mean or std is out of range.</exception>
    public static unsafe void Normal(Span<float> dst, ulong seed, ulong stream, float mean, float std, int threads = 1, ulong offset = 0)
    {
        Validate(dst.Length, threads, offset);
        if (!float.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"mean must be finite (got {mean}).");
        if (!(float.IsFinite(std) && std >= 0))
            throw new ArgumentOutOfRangeException(nameof(std), std, $"std must be finite and >= 0 (got {std}).");
        if (threads == 1 || dst.Length <= ChunkSize)
        {
            RandomKernels.Normal(dst, seed, stream, offset, mean, std);
            return;
        }
        fixed (float* p = dst)
        {
            nint a = (nint)p;
            int n = dst.Length;
            Partition.For(Partition.Count(n, ChunkSize), threads, c => RandomKernels.Normal(
                new Span<float>((float*)a + (long)c * ChunkSize, Math.Min(ChunkSize, n - c * ChunkSize)), seed, stream, offset + (ulong)c * ChunkSize, mean, std));
        }
    }

    /// <summary>
    /// PyTorch nn.Linear's default weight init, <c>kaiming_uniform_(w, a=√5)</c>: Uniform(−bound, bound)
    /// with bound = <see cref="KaimingUniformBound"/>(fanIn) = 1/√fanIn, drawn as <see cref="Uniform"/>.
    /// </summary>
    /// <param name="dst">Output, e.g. W_enc [n, d_in] with fanIn = d_in.</param>
    /// <param name="fanIn">Fan-in (≥ 1): the number of input features.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <param name="offset">Logical index of dst[0] in the stream.</param>
    public static void KaimingUniform(Span<float> dst, int fanIn, ulong seed, ulong stream, int threads = 1, ulong offset = 0)
    {
        float bound = KaimingUniformBound(fanIn);
        Uniform(dst, seed, stream, -bound, bound, threads, offset);
    }

    /// <summary>
    /// torch.nn.init.kaiming_uniform_ bound for a = √5, computed in double as torch does and rounded
    /// to float: gain = √(2 / (1 + a²)) = √(1/3), std = gain / √fanIn, bound = √3·std = 1/√fanIn.
    /// </summary>
    /// <param name="fanIn">Fan-in (≥ 1).</param>
    public static float KaimingUniformBound(int fanIn)
    {
        Check.Positive(fanIn);
        double a = Math.Sqrt(5.0);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double std = gain / Math.Sqrt(fanIn);
        return (float)(Math.Sqrt(3.0) * std);
    }

    private static void Validate(int length, int threads, ulong offset)
    {
        Check.Threads(threads);
        if (offset > ulong.MaxValue - (ulong)length)
            throw new ArgumentException($"offset + dst.Length must not exceed 2^64 − 1 (got offset = {offset}, dst.Length = {length}).", nameof(offset));
    }
}
