namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Why no usable response arrived.</summary>
public enum WhatsAppTransportFailure
{
    /// <summary>The connection was never established (refused, unreachable, DNS, TLS): Meta never saw the request.</summary>
    ConnectionFailed,

    /// <summary>The connection broke after the request may have been sent: Meta may have acted on it.</summary>
    RequestFailed,

    /// <summary>The per-attempt or overall timeout expired: Meta may have acted on it.</summary>
    Timeout,

    /// <summary>The circuit breaker is open after sustained failures; nothing was sent.</summary>
    CircuitOpen,
}

/// <summary>
/// No response from Meta: the failure is in <see cref="Failure"/> and the original exception
/// (<see cref="HttpRequestException"/>, Polly's <c>TimeoutRejectedException</c> or
/// <c>BrokenCircuitException</c>) is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class WhatsAppTransportException : WhatsAppGraphException
{
    /// <summary>Creates the exception.</summary>
    public WhatsAppTransportException(GraphAction action, WhatsAppTransportFailure failure, Exception innerException)
        : base(action, Describe(action, failure), innerException) => Failure = failure;

    /// <summary>What went wrong.</summary>
    public WhatsAppTransportFailure Failure { get; }

    /// <summary>
    /// True when Meta may have received and acted on the request. After a timed-out connect the user's
    /// phone may be ringing: wait for the webhook instead of dialling again.
    /// </summary>
    public bool RequestMayHaveReachedMeta =>
        Failure is WhatsAppTransportFailure.RequestFailed or WhatsAppTransportFailure.Timeout;

    /// <inheritdoc />
    public override bool IsRetryable => !RequestMayHaveReachedMeta || Action.IsRepeatSafe();

    private static string Describe(GraphAction action, WhatsAppTransportFailure failure) => failure switch
    {
        WhatsAppTransportFailure.ConnectionFailed => $"WhatsApp Graph {action}: could not connect to the Graph API; the request was not sent.",
        WhatsAppTransportFailure.RequestFailed => $"WhatsApp Graph {action}: the connection failed after the request may have been sent.",
        WhatsAppTransportFailure.Timeout => $"WhatsApp Graph {action}: no response before the timeout; Meta may still have acted on the request.",
        WhatsAppTransportFailure.CircuitOpen => $"WhatsApp Graph {action}: the circuit breaker is open after repeated failures; the request was not sent.",
        _ => $"WhatsApp Graph {action}: transport failure {failure}.",
    };
}
