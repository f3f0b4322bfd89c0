namespace Sae.Numerics;

/// <summary>
/// The latent-major view of a batch's top-k selection, reused from step to step so the training
/// loop allocates nothing: for every latent, the (b, j) slots that selected it, in increasing
/// (b, j) order (a counting sort of the slots by latent). <see cref="SparseOps.ScatterAddRows(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, Span{float}, SparseWorkspace, int)"/>
/// walks it to accumulate each latent's gradient row in a fixed order, and
/// <see cref="FireCounts"/> gives the dead-latent counters their per-step counts for free.
/// </summary>
/// <remarks>
/// Memory: 4·(2·n + 1) bytes for the counts and offsets plus 8·B·k bytes for the slot lists
/// (B = 4096, k = 32, n = 16384: about 1.2 MB). Buffers grow when a larger problem is built and are
/// never shrunk. Not thread-safe: one workspace per concurrent caller.
/// </remarks>
public sealed class SparseWorkspace
{
    private int[] _counts = [];
    private int[] _offsets = [0];
    private int[] _slots = [];
    private int[] _batchRows = [];

    /// <summary>Batch size of the last <see cref="Build"/> (0 before any).</summary>
    public int Batch { get; private set; }

    /// <summary>Slots per row (k) of the last <see cref="Build"/>.</summary>
    public int K { get; private set; }

    /// <summary>Number of latents (n) of the last <see cref="Build"/>.</summary>
    public int Latents { get; private set; }

    /// <summary>
    /// [n]: how many (b, j) slots selected each latent in the last <see cref="Build"/>; zero means
    /// the latent did not fire in that batch. A latent repeated within one row counts per slot.
    /// </summary>
    public ReadOnlySpan<int> FireCounts => _counts.AsSpan(0, Latents);

    /// <summary>Sorts the slots of <paramref name="indices"/> ([batch, k], values in [0, n)) by latent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or an index is outside [0, n); nothing is changed then.</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is not batch·k long.</exception>
    public void Build(ReadOnlySpan<int> indices, int batch, int k, int n)
    {
        Check.NonNegative(batch);
        Check.NonNegative(k);
        Check.NonNegative(n);
        Check.Length(indices.Length, Check.Product(batch, k, "batch·k"), $"batch·k = {batch}·{k}", nameof(indices));
        SparseOps.CheckIndices(indices, k, n);
        if (_counts.Length < n)
        {
            _counts = new int[n];
            _offsets = new int[n + 1];
        }
        if (_slots.Length < indices.Length)
        {
            _slots = new int[indices.Length];
            _batchRows = new int[indices.Length];
        }
        Batch = batch;
        K = k;
        Latents = n;
        SparseOps.CountFires(indices, n, _counts.AsSpan(0, n));
        Span<int> offsets = _offsets.AsSpan(0, n + 1);
        offsets[0] = 0;
        for (int i = 0; i < n; i++)
            offsets[i + 1] = offsets[i] + _counts[i];
        // Fill in slot order: each latent's list comes out sorted by (b, j). `offsets` is used as
        // the cursor and shifted back afterwards.
        for (int s = 0; s < indices.Length; s++)
        {
            int at = offsets[indices[s]]++;
            _slots[at] = s;
            _batchRows[at] = s / k;
        }
        for (int i = n; i > 0; i--)
            offsets[i] = offsets[i - 1];
        offsets[0] = 0;
    }

    /// <summary>The slots s = b·k + j that selected <paramref name="latent"/>, increasing.</summary>
    internal ReadOnlySpan<int> Slots(int latent) => _slots.AsSpan(_offsets[latent], _counts[latent]);

    /// <summary>The batch rows b of <see cref="Slots"/>, matching element for element.</summary>
    internal ReadOnlySpan<int> BatchRows(int latent) => _batchRows.AsSpan(_offsets[latent], _counts[latent]);
}
