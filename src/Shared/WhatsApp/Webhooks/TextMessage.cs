namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// <c>messages[]</c> item with <c>type = "text"</c> (webhook field <c>messages</c>): read for opt-out keywords such as
/// STOP. The body is the user's words: never logged.
/// </summary>
public sealed record TextMessage : WebhookEvent
{
    /// <summary>The user who wrote.</summary>
    public string? From { get; init; }

    /// <summary>The message id (<c>wamid.…</c>).</summary>
    public required string MessageId { get; init; }

    /// <summary><c>text.body</c> (empty when absent).</summary>
    public required string Body { get; init; }

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Message(MessageId);

    /// <inheritdoc />
    public override string ToString() =>
        $"TextMessage {{ MessageId = {MessageId}, From = {PhoneMask.Mask(From)}, BodyLength = {Body.Length}, PhoneNumberId = {PhoneNumberId}, Timestamp = {Timestamp:O} }}";
}
