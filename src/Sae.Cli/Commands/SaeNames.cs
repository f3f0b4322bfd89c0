namespace Sae.Cli.Commands;

/// <summary>
/// Short, unique, file-name-safe names for the SAEs given to <c>sae compare</c>, used in output
/// file names ({a}__{b}.matches.csv) and tables. A directory is named by its last component, a
/// file by its name without ".safetensors" (or by its directory when it is the layout's standard
/// sae.safetensors / sae_weights.safetensors). Names that collide take parent directories in
/// front ("runA-seed0", "runB-seed0") until they differ; any still equal (the same SAE given
/// twice) get "-2", "-3", … in argument order. Characters other than letters, digits, '.', '_'
/// and '-' become '_'.
/// </summary>
internal static class SaeNames
{
    /// <summary>One name per path, in order.</summary>
    public static IReadOnlyList<string> Derive(IReadOnlyList<string> paths)
    {
        // the same SAE given twice keeps one short name (suffixed below) instead of growing to its full path
        var full = paths.Select(p => Path.GetFullPath(p).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).ToArray();
        var distinct = full.Distinct(StringComparer.Ordinal).ToArray();
        var shortNames = distinct.Zip(Distinguish(distinct.Select(Components).ToArray())).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var names = full.Select(f => shortNames[f]).ToArray();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string candidate = names[i];
            for (int k = 2; !used.Add(candidate); k++)
                candidate = $"{names[i]}-{k}";
            names[i] = candidate;
        }
        return names;
    }

    // parts[i]: path components, last first; names grow by one parent while they collide
    private static string[] Distinguish(string[][] parts)
    {
        var depth = Enumerable.Repeat(1, parts.Length).ToArray();
        string Name(int i) => Sanitise(string.Join("-", parts[i].Take(depth[i]).Reverse()));
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var group in Enumerable.Range(0, parts.Length).GroupBy(Name).Where(g => g.Count() > 1))
            {
                foreach (int i in group.Where(i => depth[i] < parts[i].Length))
                {
                    depth[i]++;
                    grew = true;
                }
            }
        }
        return Enumerable.Range(0, parts.Length).Select(Name).ToArray();
    }

    private static string[] Components(string full)
    {
        var parts = full.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries).Reverse().ToList();
        if (parts.Count > 1 && !Directory.Exists(full) && parts[0] is "sae.safetensors" or "sae_weights.safetensors")
            parts.RemoveAt(0);
        else if (parts.Count > 0 && parts[0].EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            parts[0] = parts[0][..^".safetensors".Length];
        return parts.Count == 0 ? ["sae"] : [.. parts];
    }

    private static string Sanitise(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
}
