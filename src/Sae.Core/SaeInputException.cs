namespace Sae.Core;

/// <summary>
/// Bad input from the user: a file that is missing, truncated, corrupt or of the wrong shape, NaN
/// values, impossible settings. The message is one line that names the file, tensor and row (or the
/// setting and its allowed range); the CLI prints it and exits with code 2, without a stack trace.
/// </summary>
public sealed class SaeInputException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public SaeInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public SaeInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SaeInputException()
        : base("invalid input")
    {
    }
}
