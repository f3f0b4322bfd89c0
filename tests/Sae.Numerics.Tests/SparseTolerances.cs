namespace Sae.Numerics.Tests;

/// <summary>The tolerances of the sparse-kernel tests (TopK, SparseOps), kept in one place.</summary>
internal static class SparseTolerances
{
    /// <summary>
    /// GatherDot sums in a fixed 32-lane order, the reference in double then rounded: allowed
    /// difference relative to Σ|g·w| (the error bound of any float summation order is ~d·ε·Σ|g·w|).
    /// </summary>
    public const double DotRelativeToAbsSum = 1e-5;
}
