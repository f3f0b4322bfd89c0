namespace Sae.Core;

/// <summary>
/// The learning-rate multiplier of optimisation step s (0-based), as transformers'
/// get_linear_schedule_with_warmup computes it for sparsify: s/warmup during the warm-up (so the
/// very first step uses 0, exactly as a LambdaLR scheduler does), then (steps − s)/(steps − warmup)
/// down to 0, or 1 when decay is off.
/// </summary>
internal static class LearningRateSchedule
{
    public static double Factor(long step, int warmupSteps, long totalSteps, LearningRateDecay decay)
    {
        if (step < warmupSteps)
            return (double)step / Math.Max(1, warmupSteps);
        if (decay == LearningRateDecay.None)
            return 1.0;
        return Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmupSteps));
    }

    /// <summary>SAELens' L1 warm-up: λ·min(1, s/warmup) at step s (0 at the first step when a warm-up is set).</summary>
    public static double L1Factor(long step, int warmupSteps) =>
        warmupSteps <= 0 ? 1.0 : Math.Min(1.0, (double)step / warmupSteps);
}
