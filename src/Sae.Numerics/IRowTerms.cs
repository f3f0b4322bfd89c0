namespace Sae.Numerics;

/// <summary>
/// An ordered list of (coefficient, row) terms for <see cref="RowCombiner"/>: term t adds
/// <see cref="Coefficient"/>(t) times row <see cref="Row"/>(t) of a row-major matrix.
/// </summary>
internal interface IRowTerms
{
    /// <summary>Number of terms.</summary>
    int Count { get; }

    /// <summary>Row index of term <paramref name="t"/> (already validated by the caller).</summary>
    int Row(int t);

    /// <summary>Coefficient of term <paramref name="t"/>.</summary>
    float Coefficient(int t);
}
