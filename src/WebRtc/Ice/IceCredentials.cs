using System.Security.Cryptography;

namespace Serverless.WebRtc.Ice;

/// <summary>
/// The ICE username fragment and password of one agent (RFC 8445 §5.3, grammar RFC 8839 §5.4):
/// ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4–256 chars, pwd 22–256 chars.
/// </summary>
internal sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>
    /// Fresh random credentials: 8-char ufrag (48 bits, also the one-port demux key, so it must be unique
    /// per peer on a node) and a 24-char password (144 bits, above the 128 bits RFC 8445 §5.3 asks for).
    /// </summary>
    public static IceCredentials Generate() => new(Random(8), Random(24));

    /// <summary>True when both values match the RFC 8839 §5.4 grammar and lengths.</summary>
    public static bool IsValid(string? ufrag, string? password) =>
        IsIceChars(ufrag, 4, 256) && IsIceChars(password, 22, 256);

    private static bool IsIceChars(string? value, int min, int max) =>
        value is not null && value.Length >= min && value.Length <= max && value.All(c => IceChars.Contains(c, StringComparison.Ordinal));

    private static string Random(int length) => RandomNumberGenerator.GetString(IceChars, length);

    /// <inheritdoc />
    public override string ToString() => $"ufrag={Ufrag}"; // never the password
}
