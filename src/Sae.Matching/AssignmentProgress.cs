namespace Sae.Matching;

/// <summary>Reports the fraction of rows assigned, at most about once per percent (and always at 1).</summary>
internal sealed class AssignmentProgress(IProgress<double>? progress, int rows)
{
    private readonly int _step = Math.Max(1, rows / 100);
    private int _next;

    /// <summary>Reports <paramref name="assigned"/> / rows if it moved at least one step since the last report.</summary>
    public void Report(int assigned)
    {
        if (progress is null || (assigned < _next && assigned < rows))
            return;
        progress.Report(rows == 0 ? 1.0 : (double)assigned / rows);
        _next = assigned + _step;
    }
}
