namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>Extras for a simulated user-initiated call.</summary>
public sealed record InboundCallOptions
{
    /// <summary>Business number called; default the first served.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>Caller's profile name; default from the user's behaviour.</summary>
    public string? ProfileName { get; init; }

    /// <summary>Window to accept/reject; default <see cref="SimulatorOptions.InboundAnswerWindow"/>.</summary>
    public TimeSpan? AnswerWindow { get; init; }

    /// <summary>Optional <c>deeplink_payload</c>.</summary>
    public string? DeeplinkPayload { get; init; }

    /// <summary>Optional <c>cta_payload</c>.</summary>
    public string? CtaPayload { get; init; }
}
