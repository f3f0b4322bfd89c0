namespace Sae.Matching;

/// <summary>
/// The shared state of the dense solver for a problem with rows ≤ columns: the similarity matrix
/// (float, row-major, borrowed and pinned by the caller), the partial assignment and the column
/// duals v (double). The cost of a pair is c[i, j] = −s[i, j]; the solver minimises Σ c.
/// Invariant between phases: every assigned row i sits at a smallest reduced cost c[i, j] − v[j]
/// of its row (its dual is u[i] = c[i, x[i]] − v[x[i]]).
/// </summary>
internal sealed unsafe class LapState
{
    private readonly float* _s;

    /// <summary>Wraps the matrix s: [rows, cols] with rows ≤ cols; everything starts unassigned and v = 0 (in <paramref name="arena"/>).</summary>
    public LapState(float* s, int rows, int cols, NativeArena arena)
    {
        _s = s;
        Rows = rows;
        Cols = cols;
        RowToCol = new int[rows];
        ColToRow = new int[cols];
        Array.Fill(RowToCol, -1);
        Array.Fill(ColToRow, -1);
        V = arena.Allocate<double>(cols);
        new Span<double>(V, cols).Clear();
    }

    /// <summary>Number of rows (≤ <see cref="Cols"/>).</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>x: the column of each row, −1 while free.</summary>
    public int[] RowToCol { get; }

    /// <summary>y: the row of each column, −1 while free.</summary>
    public int[] ColToRow { get; }

    /// <summary>The column duals v[0..Cols).</summary>
    public double* V { get; }

    /// <summary>Start of similarity row i: s[i, 0..Cols).</summary>
    public float* Row(int i) => _s + (long)i * Cols;

    /// <summary>c[i, j] = −s[i, j] in double (exact).</summary>
    public double Cost(int i, int j) => -(double)_s[(long)i * Cols + j];
}
