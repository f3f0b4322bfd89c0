namespace Sae.Core;

/// <summary>
/// The recipe of a synthetic dataset with known features (see <see cref="SyntheticData"/>).
/// Validated when built; an error names the <c>sae data synth</c> option and its allowed range.
/// </summary>
public sealed record SyntheticDataSpec
{
    /// <summary>Largest number of ground-truth features.</summary>
    public const int MaxFeatures = 1 << 20;

    /// <summary>Largest dimension d.</summary>
    public const int MaxDimension = 1 << 16;

    /// <summary>Largest features × d (the ground-truth matrix: 1 GiB of float32).</summary>
    public const long MaxFeatureElements = 1L << 28;

    /// <summary>Largest number of rows (2⁴⁰; row · features must fit the random streams' 64-bit index).</summary>
    public const long MaxRows = 1L << 40;

    /// <summary>Builds and validates a recipe.</summary>
    /// <param name="features">G: ground-truth features (--features).</param>
    /// <param name="dimension">d: values per row (--dim).</param>
    /// <param name="rows">Rows to generate (--rows).</param>
    /// <param name="activePerRow">Expected number of active features per row (--active).</param>
    /// <param name="correlated">Draw activity from a thresholded multivariate normal (--correlated).</param>
    /// <param name="seed">Seed of everything: features, activity, magnitudes (--seed).</param>
    /// <exception cref="SaeInputException">A setting is out of range.</exception>
    public SyntheticDataSpec(int features = 512, int dimension = 128, long rows = 100_000, double activePerRow = 5, bool correlated = false, ulong seed = 0)
    {
        if (features is < 1 or > MaxFeatures)
            throw new SaeInputException($"--features must be between 1 and {MaxFeatures} (got {features}).");
        if (dimension is < 1 or > MaxDimension)
            throw new SaeInputException($"--dim must be between 1 and {MaxDimension} (got {dimension}).");
        if ((long)features * dimension > MaxFeatureElements)
            throw new SaeInputException($"--features × --dim must be at most {MaxFeatureElements} (got {features} × {dimension} = {(long)features * dimension}).");
        if (rows is < 1 or > MaxRows)
            throw new SaeInputException($"--rows must be between 1 and {MaxRows} (got {rows}).");
        if (!(activePerRow > 0 && activePerRow <= features))
            throw new SaeInputException($"--active must be greater than 0 and at most --features = {features} (got {activePerRow}).");
        Features = features;
        Dimension = dimension;
        Rows = rows;
        ActivePerRow = activePerRow;
        Correlated = correlated;
        Seed = seed;
    }

    /// <summary>G: number of ground-truth features.</summary>
    public int Features { get; }

    /// <summary>d: values per row.</summary>
    public int Dimension { get; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; }

    /// <summary>Expected number of active features per row (Σ pᵢ).</summary>
    public double ActivePerRow { get; }

    /// <summary>Whether feature activity is correlated (thresholded multivariate normal).</summary>
    public bool Correlated { get; }

    /// <summary>Seed of every random draw.</summary>
    public ulong Seed { get; }
}
