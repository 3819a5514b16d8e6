namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>One entry of an <c>errors[]</c> array: <c>{code, title, message, href, error_data{details}}</c>.</summary>
/// <param name="Code">Meta's numeric error code (e.g. 138021), if readable.</param>
/// <param name="Title">Short title, if sent.</param>
/// <param name="Message">Message text, if sent.</param>
/// <param name="Details"><c>error_data.details</c>, if sent.</param>
/// <param name="Href">Link to Meta's documentation, if sent.</param>
public sealed record WebhookErrorDetail(int? Code, string? Title, string? Message, string? Details, string? Href)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message ?? Title}";
}

/// <summary>A <c>value.errors[]</c> entry that belongs to no terminated call (e.g. 131044 on a user-initiated call).</summary>
public sealed record WebhookError : WebhookEvent
{
    /// <summary>The error.</summary>
    public required WebhookErrorDetail Error { get; init; }

    /// <summary>
    /// Hash of the error's raw JSON: such errors carry no id, so their content is their identity.
    /// A redelivery repeats the bytes and so the key; two identical errors in one dedup window collapse into one.
    /// </summary>
    public required string ContentHash { get; init; }

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Error(PhoneNumberId, Error.Code, ContentHash);

    /// <inheritdoc />
    public override string ToString() =>
        $"WebhookError {{ Code = {Error.Code}, Title = {Error.Title}, Message = {Error.Message}, " +
        $"PhoneNumberId = {PhoneNumberId}, Timestamp = {Timestamp:O} }}";
}
