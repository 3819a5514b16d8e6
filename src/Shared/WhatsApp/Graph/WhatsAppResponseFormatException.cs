using System.Net;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Meta answered with success but the body lacked what the action returns (e.g. no call id).</summary>
public sealed class WhatsAppResponseFormatException : WhatsAppGraphException
{
    /// <summary>Creates the exception.</summary>
    public WhatsAppResponseFormatException(GraphAction action, HttpStatusCode httpStatus, string problem, Exception? innerException = null)
        : base(action, $"WhatsApp Graph {action} returned HTTP {(int)httpStatus} but {problem}", innerException) =>
        HttpStatus = httpStatus;

    /// <summary>The (successful) HTTP status.</summary>
    public HttpStatusCode HttpStatus { get; }

    /// <summary>Never: the request succeeded at Meta, repeating it would act twice.</summary>
    public override bool IsRetryable => false;
}
