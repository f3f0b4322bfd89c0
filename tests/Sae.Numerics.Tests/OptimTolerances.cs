namespace Sae.Numerics.Tests;

/// <summary>
/// Every tolerance and size the optimiser / row-op / random-number tests use, kept in one place.
/// Bit-for-bit comparisons need none; these are for comparisons with independent double-precision
/// formulas and for statistical sanity checks.
/// </summary>
internal static class OptimTolerances
{
    /// <summary>Lengths every kernel is checked at: 0..260 inclusive.</summary>
    public const int MaxSweepLength = 260;

    /// <summary>Relative error allowed between a 16-lane double accumulation and a naive double sum, after rounding to float.</summary>
    public const double LaneSumRelative = 1e-6;

    /// <summary>Relative error of a unit-normalised row's norm (float rounding of d elements).</summary>
    public const double UnitNormRelative = 1e-5;

    /// <summary>Residual |grad·w| after projecting out, relative to ‖grad‖ (float rounding).</summary>
    public const double ProjectionResidual = 1e-5;

    /// <summary>First Adam step moves each parameter by ≈ lr·sign(g); relative slack on that move.</summary>
    public const double AdamFirstStepRelative = 1e-3;

    /// <summary>Samples in the statistical sanity checks.</summary>
    public const int StatSamples = 100_000;

    /// <summary>Allowed |sample mean − expected| in standard errors (very generous: a broken generator is off by far more).</summary>
    public const double MeanSigmas = 6;

    /// <summary>Allowed relative error of a sample variance at <see cref="StatSamples"/> samples.</summary>
    public const double VarianceRelative = 0.03;
}
