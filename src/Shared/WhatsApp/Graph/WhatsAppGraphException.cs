namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// Base of every failure <see cref="WhatsAppGraphClient"/> reports. Catch this to handle "the Graph call
/// did not succeed"; catch the subclasses to tell Meta's refusals from transport failures.
/// Cancellation requested by the caller is not wrapped: it surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public abstract class WhatsAppGraphException : Exception
{
    /// <summary>Creates the exception for one action.</summary>
    protected WhatsAppGraphException(GraphAction action, string message, Exception? innerException)
        : base(message, innerException) => Action = action;

    /// <summary>The operation that failed.</summary>
    public GraphAction Action { get; }

    /// <summary>True when sending the same request again later may succeed and cannot do harm.</summary>
    public abstract bool IsRetryable { get; }
}
