using Microsoft.Win32.SafeHandles;

namespace Sae.Core;

/// <summary>Opening and reading input files, with missing or short files reported as <see cref="SaeInputException"/>.</summary>
internal static class InputFiles
{
    /// <summary>Opens <paramref name="path"/> for positional reads.</summary>
    /// <exception cref="SaeInputException">The file does not exist or cannot be read.</exception>
    public static SafeFileHandle OpenRead(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SaeInputException($"{path}: no such file.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SaeInputException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> as a sequential read stream.</summary>
    /// <exception cref="SaeInputException">The file does not exist or cannot be read.</exception>
    public static FileStream OpenStream(string path) => new(OpenRead(path), FileAccess.Read, 1 << 20);

    /// <summary>Fills <paramref name="dst"/> from <paramref name="position"/>, or reports the file as truncated.</summary>
    public static void ReadExactly(SafeFileHandle handle, string path, Span<byte> dst, long position)
    {
        while (!dst.IsEmpty)
        {
            int n = RandomAccess.Read(handle, dst, position);
            if (n == 0)
                throw new SaeInputException($"{path}: unexpected end of file at byte {position} (truncated?).");
            dst = dst[n..];
            position += n;
        }
    }
}
