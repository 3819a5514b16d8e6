namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// One event from a webhook delivery. The hierarchy is closed: <see cref="CallConnect"/>, <see cref="CallTerminate"/>,
/// <see cref="CallStatus"/>, <see cref="CallPermissionReply"/> and <see cref="WebhookError"/>.
/// Every <c>ToString()</c> masks phone numbers and leaves out SDP, names and opaque data, so events can be logged.
/// </summary>
public abstract record WebhookEvent
{
    private protected WebhookEvent()
    {
    }

    /// <summary>The WhatsApp Business Account (<c>entry[].id</c>).</summary>
    public string? WabaId { get; init; }

    /// <summary>Our business number's Graph id (<c>value.metadata.phone_number_id</c>); absent in seed-guide shapes.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>Our business number as digits (<c>value.metadata.display_phone_number</c>).</summary>
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>When Meta says the event happened (Unix seconds on the wire), if it said.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>
    /// Identifies the event across redeliveries: Meta retries a delivery until it gets a 2xx, so the same event
    /// can arrive more than once, and must always produce the same key. Distinct events produce distinct keys.
    /// </summary>
    public abstract string DedupKey { get; }
}
