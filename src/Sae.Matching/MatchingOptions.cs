using Sae.Core;

namespace Sae.Matching;

/// <summary>
/// How two SAEs are matched: the shared-latent threshold, threads, the memory the dense
/// similarity matrix may take, the assignment solver, and whether the sign of a cosine counts.
/// Validated when built; an invalid setting throws <see cref="SaeInputException"/> naming the
/// command-line option.
/// </summary>
public sealed record MatchingOptions
{
    /// <summary>The paper's threshold: shared = decoder and encoder matched cosine both &gt; 0.7.</summary>
    public const double DefaultThreshold = 0.7;

    /// <summary>Default memory budget for one dense similarity matrix: 8 GiB.</summary>
    public const long DefaultMemoryBudget = 8L << 30;

    /// <summary>Creates and validates the options.</summary>
    /// <param name="threshold">Shared when both matched cosines are strictly greater than this; in [0, 1].</param>
    /// <param name="threads">Threads for the cosine products (≥ 1); results do not depend on it.</param>
    /// <param name="memoryBudgetBytes">Largest dense similarity matrix (bytes, &gt; 0); larger pairs need the large-scale path.</param>
    /// <param name="solver">The assignment solver; default <see cref="DefaultSolver"/>.</param>
    public MatchingOptions(double threshold = DefaultThreshold, int threads = 1, long memoryBudgetBytes = DefaultMemoryBudget, IAssignmentSolver? solver = null)
    {
        if (!(threshold >= 0 && threshold <= 1))
            throw new SaeInputException($"--threshold must be between 0 and 1 (got {threshold}).");
        if (threads < 1)
            throw new SaeInputException($"--threads must be >= 1 (got {threads}).");
        if (memoryBudgetBytes < 1)
            throw new SaeInputException($"--memory-budget must be > 0 bytes (got {memoryBudgetBytes}).");
        Threshold = threshold;
        Threads = threads;
        MemoryBudgetBytes = memoryBudgetBytes;
        Solver = solver ?? DefaultSolver();
    }

    /// <summary>Shared when the decoder- and the encoder-matched cosine are both &gt; this.</summary>
    public double Threshold { get; }

    /// <summary>Threads for the cosine products.</summary>
    public int Threads { get; }

    /// <summary>Largest dense similarity matrix, in bytes.</summary>
    public long MemoryBudgetBytes { get; }

    /// <summary>The exact assignment solver used on each cosine matrix.</summary>
    public IAssignmentSolver Solver { get; }

    /// <summary>
    /// Match by |cos| instead of cos (default false, the paper's signed matching). For SAEs with
    /// signed latents (AbsTopK), where decoder row w with activation a is the same feature as −w
    /// with −a: the assignments, matched cosines, MMCS and the threshold all use |cos|, and every
    /// matched pair records the sign of its raw cosine (<see cref="MatchSide.PartnerSign"/>).
    /// </summary>
    public bool SignInvariant { get; init; }

    /// <summary>
    /// The solver the product uses: the one place to swap in a faster exact solver.
    /// </summary>
    public static IAssignmentSolver DefaultSolver() => new JonkerVolgenantSolver();

    /// <summary>Bytes of one dense float32 similarity matrix [rowsA, rowsB] (the encoder and decoder matrices reuse one buffer).</summary>
    public static long DenseBytes(int rowsA, int rowsB) => sizeof(float) * (long)rowsA * rowsB;

    /// <summary>Whether a pair of these widths can be matched densely: within the budget and within one array.</summary>
    public bool FitsDense(int rowsA, int rowsB) =>
        DenseBytes(rowsA, rowsB) <= MemoryBudgetBytes && (long)rowsA * rowsB <= Array.MaxLength;
}
