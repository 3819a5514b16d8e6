namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Free-form interactive <c>call_permission_request</c> message, <c>POST /&lt;PHONE_NUMBER_ID&gt;/messages</c>
/// (meta-calling-api.md §3).
/// </summary>
public sealed record CallPermissionRequestMessage
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string MessagingProduct { get; init; } = "whatsapp";

    /// <summary>Always <c>individual</c>.</summary>
    public string RecipientType { get; init; } = "individual";

    /// <summary>The user's WhatsApp id.</summary>
    public required string To { get; init; }

    /// <summary>Always <c>interactive</c>.</summary>
    public string Type { get; init; } = "interactive";

    /// <summary>The interactive payload.</summary>
    public required CallPermissionInteractive Interactive { get; init; }
}

/// <summary><c>interactive</c> of a call permission request; only the body is allowed (no header or footer).</summary>
public sealed record CallPermissionInteractive
{
    /// <summary>Always <c>call_permission_request</c>.</summary>
    public string Type { get; init; } = "call_permission_request";

    /// <summary>Always <c>{ "name": "call_permission_request" }</c>.</summary>
    public InteractiveActionName Action { get; init; } = new("call_permission_request");

    /// <summary>Optional body text.</summary>
    public InteractiveBody? Body { get; init; }
}

/// <summary><c>{ "name": "…" }</c>.</summary>
public sealed record InteractiveActionName(string Name);

/// <summary><c>{ "text": "…" }</c>.</summary>
public sealed record InteractiveBody(string Text);
