using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sae.Cli.Bench;

/// <summary>
/// A local Azurite (the Azure Storage emulator, installed by scripts/test.sh into .tools/azurite) on loopback
/// ports chosen free, its data on disk in <c>location</c> so it can be restarted with its data; killed on dispose.
/// Used by `sae bench --only cluster` and by the cluster tests.
/// </summary>
internal sealed class LocalAzurite : IDisposable
{
    /// <summary>The emulator's well-known development account key (public, but treated as a secret in the tests).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location;
    private Process? _process;

    public LocalAzurite(string location)
    {
        _location = location;
        Directory.CreateDirectory(location);
        (BlobPort, QueuePort, TablePort) = FreePorts();
        Start();
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    /// <summary>Azurite always starts its table service too: give it a free port rather than the fixed 10002.</summary>
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;";

    /// <summary>
    /// Stops the emulator as an outage (SIGTERM: it stops listening, connections drop) and starts it again on the same
    /// ports and data. Not SIGKILL: Azurite keeps blob and queue metadata in memory and saves it every 5 s (LokiJS
    /// autosaveInterval 5000, with --location too), so a SIGKILL silently loses writes it has already acknowledged —
    /// real Storage never does, and a test of the workers' recovery would then fail on the emulator's losses. On
    /// SIGTERM it saves its databases before it exits.
    /// </summary>
    public void Restart()
    {
        if (_process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                term.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
                throw new InvalidOperationException("Azurite did not stop within 30 s of SIGTERM.");
        }
        Stop();
        Start();
    }

    public void Dispose() => Stop();

    private void Start()
    {
        string exe = Executable();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            "--location", _location, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1",
            "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!(Listening(BlobPort) && Listening(QueuePort)) && !_process.HasExited)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException("Azurite did not start listening within 30 s.");
            Thread.Sleep(20);
        }
        if (_process.HasExited)
            throw new InvalidOperationException($"Azurite exited at start with code {_process.ExitCode}");
    }

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    private static string Executable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.Sae.sln")))
            dir = dir.Parent;
        string exe = Path.Combine(dir?.FullName ?? "", ".tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(exe))
            throw new Commands.UserErrorException($"Azurite is not installed at {exe}: run ./scripts/test.sh, or `npm install --prefix .tools/azurite azurite@3.35.0`.");
        return exe;
    }

    // both held open together, so they differ; the test classes using Azurite run one at a time (collection "azurite")
    private static (int, int, int) FreePorts()
    {
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        using var c = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        c.Start();
        return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port, ((IPEndPoint)c.LocalEndpoint).Port);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
