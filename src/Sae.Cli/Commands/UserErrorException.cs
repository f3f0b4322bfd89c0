namespace Sae.Cli.Commands;

/// <summary>A mistake in the user's input or settings: reported as one line, exit code 2, no stack trace.</summary>
internal sealed class UserErrorException : Exception
{
    public UserErrorException(string message)
        : base(message)
    {
    }

    public UserErrorException()
    {
    }

    public UserErrorException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
