namespace Sae.Cli.Bench;

/// <summary>What the benchmarks report about this process's memory.</summary>
internal static class ProcessMemory
{
    /// <summary>
    /// Peak resident set size in bytes: VmHWM from /proc/self/status ("VmHWM:\t 123456 kB"; the value is
    /// padded with spaces only while it is narrower than 8 digits, so split on any white space), or the
    /// current working set where /proc is absent.
    /// </summary>
    public static long PeakResidentBytes()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
        {
            var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var fields = line?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields is { Length: >= 2 } && long.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out long kb))
                return kb * 1024;
        }
        return Environment.WorkingSet;
    }
}
