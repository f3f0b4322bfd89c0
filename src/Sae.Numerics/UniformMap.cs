using System.Runtime.CompilerServices;

namespace Sae.Numerics;

/// <summary>
/// Maps a 32-bit random word to a float in [low, high): u = (word ≫ 8)·2⁻²⁴ (the 24 high bits; an
/// exact float in [0, 1 − 2⁻²⁴]), r = low + (high − low)·u in float (two roundings, no FMA), and
/// r = the float just below high when rounding lands on high. Vector paths apply the same steps.
/// </summary>
internal readonly struct UniformMap
{
    /// <summary>2⁻²⁴.</summary>
    public const float Scale = 1f / (1 << 24);

    public readonly float Low;
    public readonly float Width;
    public readonly float High;
    public readonly float BelowHigh;

    /// <summary>Requires finite low &lt; high with finite high − low (validated by the caller).</summary>
    public UniformMap(float low, float high)
    {
        Low = low;
        Width = high - low;
        High = high;
        BelowHigh = MathF.BitDecrement(high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(uint word)
    {
        float u = (int)(word >> 8) * Scale;
        float r = Low + Width * u;
        return r < High ? r : BelowHigh;
    }
}
