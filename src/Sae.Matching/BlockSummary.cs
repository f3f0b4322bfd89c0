namespace Sae.Matching;

/// <summary>
/// What a Dijkstra scan needs to know about one block of columns without reading it: E = min
/// (w[j] − d[j]) over its unsettled columns (+∞ if none; −∞ while some d is still +∞), which with
/// the block's similarity bound decides whether a row can improve any of its distances; and DMin,
/// the block's smallest tentative distance.
/// </summary>
internal readonly record struct BlockSummary(double E, double DMin);
