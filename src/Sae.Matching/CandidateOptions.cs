namespace Sae.Matching;

/// <summary>
/// How <see cref="CandidateSelection"/> picks the candidate edges of a large assignment, and how
/// much memory and how many threads it may use. Validated when built.
/// </summary>
public sealed record CandidateOptions
{
    /// <summary>Options with the defaults: 32 per row and per column, no floor, 2 GiB, all cores.</summary>
    public CandidateOptions()
    {
    }

    /// <summary>
    /// m: the best columns kept per row (clamped to the number of columns). Default 32.
    /// </summary>
    public int PerRow
    {
        get;
        init => field = value is >= 1 and <= MaxPerSide
            ? value
            : throw new ArgumentOutOfRangeException(nameof(PerRow), value, $"PerRow must be between 1 and {MaxPerSide} (got {value}).");
    } = 32;

    /// <summary>
    /// The best rows kept per column (clamped to the number of rows), added to the rows' lists
    /// (the union of row-wise and column-wise top lists); 0 keeps row-wise lists only. Default 32:
    /// a column whose best rows all prefer other columns otherwise has no way in, and the solver
    /// must fall back (see the measurements in <see cref="CandidateSelection"/>).
    /// </summary>
    public int PerColumn
    {
        get;
        init => field = value is >= 0 and <= MaxPerSide
            ? value
            : throw new ArgumentOutOfRangeException(nameof(PerColumn), value, $"PerColumn must be between 0 and {MaxPerSide} (got {value}).");
    } = 32;

    /// <summary>
    /// Similarities below this are never candidates (−∞, the default, keeps every top entry). A
    /// row's bound on its non-candidates is then max(Floor, its m-th best similarity).
    /// </summary>
    public float Floor
    {
        get;
        init => field = !float.IsNaN(value) && value < float.PositiveInfinity
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Floor), value, $"Floor must be a number below +∞ (got {value}).");
    } = float.NegativeInfinity;

    /// <summary>
    /// Bytes of working memory the selection may use (tiles, packing, the per-thread column lists
    /// and the result), not counting the inputs. Default 2 GiB; at least 16 MiB.
    /// </summary>
    public long MemoryBudgetBytes
    {
        get;
        init => field = value >= MinBudget
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MemoryBudgetBytes), value, $"MemoryBudgetBytes must be at least {MinBudget} (16 MiB) (got {value}).");
    } = 2L << 30;

    /// <summary>Threads (≥ 1); the result does not depend on it. Default: all cores.</summary>
    public int Threads
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Threads), value, $"Threads must be at least 1 (got {value}).");
    } = Environment.ProcessorCount;

    /// <summary>
    /// Rank by |S[i, j]| instead of S[i, j] (default false): the lists, the weights and the row
    /// bounds are then all on |S|, for sign-invariant matching of signed latents.
    /// </summary>
    public bool SignInvariant { get; init; }

    /// <summary>The largest per-row or per-column list length accepted.</summary>
    public const int MaxPerSide = 4096;

    private const long MinBudget = 16L << 20;
}
