namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>Which JSON shapes call webhooks take.</summary>
public enum WebhookDialect
{
    /// <summary>Meta's real shapes (meta-calling-api.md §2): <c>calls[]</c> and <c>statuses[]</c>.</summary>
    Meta,

    /// <summary>
    /// The seed guide's flat shapes (shared/seed/business-initiated-calls-guide.md): <c>value.event_type</c> =
    /// call.connect | call.status | call.terminate, <c>call_id</c>, lower-case statuses, <c>duration</c> and <c>reason</c>.
    /// Meta never sends these (reference §0); they exist so "the seed guide's shapes drive a call end to end".
    /// </summary>
    SeedGuide,
}
