namespace Sae.Core;

/// <summary>
/// One seed's state after a step: the losses of the last batch (FVU, MSE, L0, L1), the fraction of
/// latents that have not fired within the dead window, and the gradient norm before clipping.
/// </summary>
public readonly record struct SeedMetrics(ulong Seed, long Step, long Tokens, StepLoss Loss, double DeadFraction, double GradNorm);
