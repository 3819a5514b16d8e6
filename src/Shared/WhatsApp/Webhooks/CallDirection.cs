namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Who placed the call (<c>direction</c>).</summary>
public enum CallDirection
{
    /// <summary>Absent, or a value Meta has not documented.</summary>
    Unknown,

    /// <summary><c>BUSINESS_INITIATED</c>: we called the user (outbound).</summary>
    BusinessInitiated,

    /// <summary><c>USER_INITIATED</c>: the user called us (inbound).</summary>
    UserInitiated,
}
