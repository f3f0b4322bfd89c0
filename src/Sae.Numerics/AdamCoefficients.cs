namespace Sae.Numerics;

/// <summary>
/// The float scalars one Adam step uses, derived from <see cref="AdamHyper"/> and the step number
/// with torch's Python-level arithmetic (double), then rounded to float where torch hands a Python
/// float to a float32 tensor op.
/// </summary>
internal readonly struct AdamCoefficients
{
    /// <summary>lerp weight <c>(float)(1 − β1)</c>.</summary>
    public readonly float LerpWeight;

    /// <summary><c>|w| &lt; 0.5</c>: torch's lerp then uses <c>m + w·(g − m)</c>, else <c>g − (g − m)·(1 − w)</c>.</summary>
    public readonly bool LerpSmall;

    /// <summary><c>1f − w</c>, the float complement the large-weight lerp branch uses.</summary>
    public readonly float LerpComplement;

    /// <summary><c>(float)β2</c>, the <c>mul_(beta2)</c> factor.</summary>
    public readonly float Beta2;

    /// <summary><c>(float)(1 − β2)</c>, the <c>addcmul_</c> value.</summary>
    public readonly float OneMinusBeta2;

    /// <summary><c>(float)sqrt(1 − β2^t)</c>, the <c>bias_correction2_sqrt</c> divisor.</summary>
    public readonly float BiasCorrection2Sqrt;

    /// <summary><c>(float)ε</c>.</summary>
    public readonly float Epsilon;

    /// <summary><c>(float)(−lr / (1 − β1^t))</c>, the <c>addcdiv_</c> value.</summary>
    public readonly float NegativeStepSize;

    public AdamCoefficients(in AdamHyper h, long step)
    {
        double t = step;
        double biasCorrection1 = 1 - Math.Pow(h.Beta1, t);
        double biasCorrection2 = 1 - Math.Pow(h.Beta2, t);
        double stepSize = h.LearningRate / biasCorrection1;
        LerpWeight = (float)(1 - h.Beta1);
        LerpSmall = Math.Abs(LerpWeight) < 0.5f;
        LerpComplement = 1f - LerpWeight;
        Beta2 = (float)h.Beta2;
        OneMinusBeta2 = (float)(1 - h.Beta2);
        BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        Epsilon = (float)h.Epsilon;
        NegativeStepSize = (float)-stepSize;
    }
}
