namespace Sae.Matching;

/// <summary>The four steps of comparing two SAEs, in order.</summary>
public enum ComparisonStage
{
    /// <summary>Decoder cosine matrix C_dec = D̂_a·D̂_bᵀ.</summary>
    DecoderCosines,

    /// <summary>Maximum-weight assignment on C_dec.</summary>
    DecoderAssignment,

    /// <summary>Encoder cosine matrix C_enc = Ê_a·Ê_bᵀ.</summary>
    EncoderCosines,

    /// <summary>Maximum-weight assignment on C_enc.</summary>
    EncoderAssignment,
}

/// <summary>Progress of one pair: the current stage and the fraction of it done (0..1).</summary>
/// <param name="Stage">The step under way.</param>
/// <param name="Fraction">How much of that step is done, 0..1.</param>
public readonly record struct ComparisonProgress(ComparisonStage Stage, double Fraction)
{
    /// <summary>Number of stages; <see cref="Overall"/> runs from 0 to this.</summary>
    public const int StageCount = 4;

    /// <summary>Stages completed plus the fraction of the current one, 0..<see cref="StageCount"/>.</summary>
    public double Overall => (int)Stage + Fraction;
}
