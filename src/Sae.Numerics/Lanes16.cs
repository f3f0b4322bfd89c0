using System.Runtime.CompilerServices;

namespace Sae.Numerics;

/// <summary>Sixteen double accumulators on the stack: lane j sums the elements whose index ≡ j (mod 16).</summary>
[InlineArray(Count)]
internal struct Lanes16
{
    /// <summary>Number of lanes.</summary>
    public const int Count = 16;

    private double _lane0;

    /// <summary>Combines the lanes in a fixed tree: lane j += lane j + w for w = 8, 4, 2, 1; returns lane 0.</summary>
    public double Reduce()
    {
        for (int w = Count / 2; w >= 1; w /= 2)
        {
            for (int j = 0; j < w; j++)
                this[j] += this[j + w];
        }
        return this[0];
    }
}
