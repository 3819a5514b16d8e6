namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Answer to connect. Meta: <c>{"messaging_product":"whatsapp","calls":[{"id":"wacid…"}]}</c>; the seed
/// guide's <c>{"call_id":"…"}</c> is tolerated too.
/// </summary>
public sealed record ConnectCallResponse
{
    /// <summary>Meta's documented shape.</summary>
    public IReadOnlyList<GraphObjectId>? Calls { get; init; }

    /// <summary>The seed guide's shape.</summary>
    public string? CallId { get; init; }
}

/// <summary><c>{ "id": "…" }</c>.</summary>
public sealed record GraphObjectId(string? Id);

/// <summary><c>{"messaging_product":"whatsapp","success":true}</c> (or just <c>{"success":true}</c>).</summary>
public sealed record GraphSuccessResponse
{
    /// <summary>True when Meta accepted the request.</summary>
    public bool Success { get; init; }
}

/// <summary>Answer to <c>POST /messages</c>: <c>contacts[]</c> and <c>messages[{id:"wamid…"}]</c>.</summary>
public sealed record SendMessageResponse
{
    /// <summary>The recipients as Meta resolved them.</summary>
    public IReadOnlyList<MessageContact>? Contacts { get; init; }

    /// <summary>The sent messages; the first id is the <c>wamid</c>.</summary>
    public IReadOnlyList<GraphObjectId>? Messages { get; init; }
}

/// <summary><c>contacts[]</c> entry of a messages response.</summary>
public sealed record MessageContact
{
    /// <summary>What we sent as <c>to</c>.</summary>
    public string? Input { get; init; }

    /// <summary>The user's WhatsApp id.</summary>
    public string? WaId { get; init; }
}
