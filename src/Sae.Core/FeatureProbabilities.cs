namespace Sae.Core;

/// <summary>Firing probabilities of synthetic features and the normal quantiles that threshold them.</summary>
internal static class FeatureProbabilities
{
    /// <summary>
    /// pᵢ = min(1, c·decayⁱ) for i in [0, g), with c chosen so that Σ pᵢ = <paramref name="target"/>.
    /// Written as pᵢ = min(1, decay^(i − s)) and solved for the shift s by bisection on the closed
    /// form Σ = m + decay^(m − s)·(1 − decay^(g − m)) / (1 − decay), m = #{i ≤ s}, which avoids
    /// underflow of decayⁱ for large g.
    /// </summary>
    public static double[] Decaying(int g, double target, double decay)
    {
        double lo = -1e6, hi = g;
        for (int iter = 0; iter < 200 && lo < hi; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
                break;
            if (ExpectedActive(mid, g, decay) < target)
                lo = mid;
            else
                hi = mid;
        }
        var p = new double[g];
        for (int i = 0; i < g; i++)
            p[i] = Math.Min(1.0, Math.Pow(decay, i - hi));
        return p;
    }

    /// <summary>
    /// Φ⁻¹(p), the standard normal quantile, by Acklam's rational approximation (relative error
    /// below 1.2·10⁻⁹); −∞ at 0 and +∞ at 1.
    /// </summary>
    public static double NormalQuantile(double p)
    {
        if (p <= 0)
            return double.NegativeInfinity;
        if (p >= 1)
            return double.PositiveInfinity;
        const double low = 0.02425;
        if (p < low)
            return Tail(Math.Sqrt(-2 * Math.Log(p)));
        if (p > 1 - low)
            return -Tail(Math.Sqrt(-2 * Math.Log(1 - p)));
        double q = p - 0.5, r = q * q;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
            / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
    }

    private static double Tail(double q) =>
        (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);

    private static double ExpectedActive(double s, int g, double decay)
    {
        int m = (int)Math.Clamp(Math.Floor(s) + 1, 0, g);
        return m + Math.Pow(decay, m - s) * (1 - Math.Pow(decay, g - m)) / (1 - decay);
    }
}
