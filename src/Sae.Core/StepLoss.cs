namespace Sae.Core;

/// <summary>
/// What one forward pass measured on a batch. <see cref="Fvu"/> is Σ‖x − x̂‖² / Σ‖x − mean(x)‖²
/// over the batch; <see cref="Mse"/> is Σ‖x − x̂‖² / batch (summed over d, as SAELens reports it);
/// <see cref="L0"/> is the mean number of non-zero latents per token; <see cref="Loss"/> is what
/// was differentiated (FVU for TopK, MSE + λ-weighted L1 for ReLU+L1).
/// </summary>
public readonly record struct StepLoss(double Loss, double Fvu, double Mse, double L0, double L1);
