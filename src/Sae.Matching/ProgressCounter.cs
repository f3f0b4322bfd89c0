namespace Sae.Matching;

/// <summary>
/// Counts finished work units from any thread and reports the fraction done, in increasing order
/// and at most about 200 times, to an optional <see cref="IProgress{T}"/>.
/// </summary>
internal sealed class ProgressCounter(long total, IProgress<double>? sink, double offset = 0, double scale = 1)
{
    private readonly Lock _gate = new();
    private long _done;
    private double _reported = -1;

    /// <summary>Marks one more unit finished.</summary>
    public void Advance(long units = 1)
    {
        if (sink is null || total <= 0)
            return;
        long done = Interlocked.Add(ref _done, units);
        double fraction = Math.Min(1.0, (double)done / total);
        if (fraction < 1.0 && fraction - _reported < 0.005)
            return;
        lock (_gate)
        {
            if (fraction <= _reported)
                return;
            _reported = fraction;
            sink.Report(offset + (scale * fraction));
        }
    }
}
