namespace Sae.Numerics;

/// <summary>
/// Plain scalar Adam step, written line by line after torch's <c>_single_tensor_adam</c>; the test
/// oracle for <see cref="Adam"/>. Derives its scalars itself (not via <see cref="AdamCoefficients"/>)
/// so that the derivation is checked too.
/// </summary>
internal static class AdamReference
{
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, in AdamHyper h, long step)
    {
        // Python level (double): bias_correction1/2, step_size, bias_correction2_sqrt.
        double bc1 = 1 - Math.Pow(h.Beta1, step);
        double bc2 = 1 - Math.Pow(h.Beta2, step);
        double stepSize = h.LearningRate / bc1;
        double bc2Sqrt = Math.Sqrt(bc2);
        // Scalars handed to float32 tensor ops are rounded to float.
        float weight = (float)(1 - h.Beta1);
        float beta2 = (float)h.Beta2;
        float value2 = (float)(1 - h.Beta2);
        float bc2SqrtF = (float)bc2Sqrt;
        float eps = (float)h.Epsilon;
        float value = (float)(-stepSize);
        for (int i = 0; i < param.Length; i++)
        {
            m[i] = Lerp(m[i], grad[i], weight);
            float vi = v[i] * beta2;
            v[i] = vi + value2 * grad[i] * grad[i];
            float denom = MathF.Sqrt(v[i]) / bc2SqrtF;
            denom += eps;
            param[i] = param[i] + value * m[i] / denom;
        }
    }

    /// <summary>ATen Lerp.h: <c>|w| &lt; 0.5 ? a + w(b − a) : b − (b − a)(1 − w)</c>.</summary>
    private static float Lerp(float a, float b, float w) =>
        Math.Abs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1f - w);
}
