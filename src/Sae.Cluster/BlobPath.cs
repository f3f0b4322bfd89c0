namespace Sae.Cluster;

/// <summary>
/// Blob names are '/'-separated relative paths ("sweeps/x/state.json"). Every store checks them here, so
/// no name can escape the store's root: no empty or "." / ".." segments, no backslashes, no leading '/',
/// and no segment starting with '.' (the file store keeps its temporary files and locks under such names).
/// </summary>
public static class BlobPath
{
    /// <summary>Returns <paramref name="path"/> when it is a valid blob name, else throws.</summary>
    /// <exception cref="ArgumentException">The name is empty, absolute, or has a forbidden segment.</exception>
    public static string Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"blob name '{path}' must not contain '\\' or NUL.", nameof(path));
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment[0] == '.')
                throw new ArgumentException($"blob name '{path}' has an empty segment or one starting with '.'.", nameof(path));
        }
        return path;
    }

    /// <summary>A prefix for listing: "" (everything) or a valid name, optionally ending in '/'.</summary>
    public static string CheckPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
            return prefix;
        Check(prefix.TrimEnd('/'));
        return prefix;
    }

    /// <summary>Joins segments with '/'.</summary>
    public static string Join(params string[] segments) => string.Join('/', segments);
}
