namespace Sae.Core;

/// <summary>Where a training job stands, reported after every step.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, long Tokens, long TotalTokens, double TokensPerSecond, IReadOnlyList<SeedMetrics> Seeds, bool Resumed, long StartStep);
