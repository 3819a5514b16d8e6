namespace Serverless.Shared.Transport;

/// <summary>A serialized command exceeds what the transport can carry in one message.</summary>
public sealed class CommandTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CommandTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public CommandTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
