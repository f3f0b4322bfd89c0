namespace Sae.Cli.Commands;

/// <summary>
/// Turns Ctrl+C into a cancellation token for the duration of a command, so long work stops at its
/// next check and leaves its files consistent instead of dying mid-write.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Cancels as Ctrl+C would (e.g. on SIGTERM).</summary>
    public void Cancel() => _source.Cancel();

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _source.Cancel();
    }
}
