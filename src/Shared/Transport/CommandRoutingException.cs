namespace Serverless.Shared.Transport;

/// <summary>A command cannot be routed: a follow-up without an owning node, or a node id unfit for a queue name.</summary>
public sealed class CommandRoutingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandRoutingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CommandRoutingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public CommandRoutingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
