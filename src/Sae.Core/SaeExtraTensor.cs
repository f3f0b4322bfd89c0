namespace Sae.Core;

/// <summary>
/// A named per-latent tensor ([n]) that an architecture carries besides the four every SAE has, e.g.
/// JumpReLU's threshold, Gated's r_mag and b_mag, or BatchTopK's inference threshold. A trained one
/// gets gradients, Adam moments and counts in gradient clipping; an untrained one is a statistic the
/// model updates itself. Either way it is saved with the weights under <see cref="Name"/> and
/// restored from checkpoints.
/// </summary>
/// <param name="Name">The tensor's name in the weights file (both layouts) and in checkpoints.</param>
/// <param name="Trained">True when Adam trains it.</param>
/// <param name="Saved">
/// False for a training-only parameter that the weights file replaces by a derived tensor (JumpReLU
/// trains log_threshold and saves threshold = exp(log_threshold), as SAELens does): it is kept in
/// checkpoints only, and loading an SAE file derives it again (<see cref="ArchitectureSpec.CompleteLoaded"/>).
/// </param>
public sealed record SaeExtraTensor(string Name, bool Trained, bool Saved = true);
