using System.Diagnostics;
using System.Text;
using Sae.Cli.Bench;
using Sae.Cluster;

namespace Sae.Cli.Tests;

/// <summary>
/// A cluster on this machine for tests: Azurite, `sae worker` processes started and SIGKILLed at will, and the
/// combined console output of every process (to check secrets never show).
/// </summary>
internal sealed class ClusterFixture : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, Process> _workers = [];
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private int _started;

    public ClusterFixture() => Azurite = new LocalAzurite(_dir.File("azurite"));

    public LocalAzurite Azurite { get; }

    public TempDir Dir => _dir;

    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { [ClusterNames.StoreVariable] = Azurite.ConnectionString };

    /// <summary>Starts a worker; its name is w{n} (a restarted worker gets a new name, like a new pod).</summary>
    public string StartWorker()
    {
        string name = $"w{++_started}";
        var p = Start("worker", "--threads", "1", "--cache", _dir.File("work-" + name), "--name", name, "--reconcile-every", "1");
        _workers[name] = p;
        return name;
    }

    public IReadOnlyList<string> RunningWorkers => _workers.Where(w => !w.Value.HasExited).Select(w => w.Key).ToList();

    public void Kill(string worker)
    {
        _workers[worker].Kill(); // SIGKILL on Unix
        _workers[worker].WaitForExit();
    }

    /// <summary>Runs a client command to the end; returns its exit code and output.</summary>
    public SaeProcess.Result Client(params string[] args)
    {
        using var p = Start(args);
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"sae {string.Join(' ', args)} did not finish");
        }
        p.WaitForExit();
        return new SaeProcess.Result(p.ExitCode, "", "");
    }

    public Process Start(params string[] args)
    {
        var p = SaeProcess.Start(Environment, args);
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _workers.Values)
        {
            if (!p.HasExited)
                p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        Azurite.Dispose();
        _dir.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            _output.AppendLine(line);
    }
}
