namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>What the user does with the WebRTC phone once media flows; change it live on the phone.</summary>
public sealed record PhoneScript
{
    /// <summary>A steady tone the user "speaks" (Hz, 20-8000), or null for silence.</summary>
    public double? ToneHz { get; init; }

    /// <summary>DTMF digits (RFC 4733 events) pressed once media is connected, or null.</summary>
    public string? PressDigits { get; init; }

    /// <summary>The user says nothing (Opus silence frames are still sent, as a real phone does).</summary>
    public static PhoneScript Silent { get; } = new();

    /// <summary>The user speaks a steady tone.</summary>
    public static PhoneScript Tone(double hz) => new() { ToneHz = hz };

    /// <summary>The user presses digits as soon as the call connects, and otherwise stays silent.</summary>
    public static PhoneScript Digits(string digits) => new() { PressDigits = digits };
}
