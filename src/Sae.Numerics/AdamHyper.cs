namespace Sae.Numerics;

/// <summary>
/// Hyper-parameters of <see cref="Adam"/>, held as <see cref="double"/> exactly like the Python floats
/// <c>torch.optim.Adam</c> receives, so that every scalar derived from them (<c>1 − β1</c>,
/// <c>1 − β2</c>, <c>lr / (1 − β1^t)</c>, …) is computed in double and only then rounded to float,
/// as torch does. (Passing <c>0.9f</c> instead of <c>0.9</c> would change <c>1 − β1</c> in its
/// 8th digit and break bit-for-bit agreement with torch.)
/// </summary>
public readonly record struct AdamHyper
{
    /// <summary>Creates and validates the hyper-parameters.</summary>
    /// <param name="learningRate">Step size <c>lr</c>; finite and ≥ 0.</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1).</param>
    /// <param name="epsilon">Denominator term ε; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names it.</exception>
    public AdamHyper(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!double.IsFinite(learningRate) || learningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"learningRate must be finite and >= 0 (got {learningRate}).");
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        if (!double.IsFinite(epsilon) || epsilon <= 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon must be finite and > 0 (got {epsilon}).");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Step size <c>lr</c> (≥ 0). A schedule builds a new value per step.</summary>
    public double LearningRate { get; }

    /// <summary>First-moment decay β1 in [0, 1).</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay β2 in [0, 1).</summary>
    public double Beta2 { get; }

    /// <summary>Denominator term ε (&gt; 0), added after the bias-corrected square root as in torch.</summary>
    public double Epsilon { get; }

    /// <summary>Re-checks the ranges; catches <c>default(AdamHyper)</c>, whose ε of 0 is invalid.</summary>
    internal void Validate(string name)
    {
        if (!(Epsilon > 0))
            throw new ArgumentException($"{name} is not a validated AdamHyper (epsilon = {Epsilon}); build it with the constructor.", name);
    }

    private static void CheckBeta(double beta, string name)
    {
        if (!(beta >= 0 && beta < 1))
            throw new ArgumentOutOfRangeException(name, beta, $"{name} must be in [0, 1) (got {beta}).");
    }
}
