namespace Serverless.WebRtc.Sdp;

/// <summary>ICE username fragment and password (RFC 8839 §5.4).</summary>
internal sealed record SdpIceCredentials(string Ufrag, string Password)
{
    /// <summary>
    /// RFC 8839 §5.4: ufrag is 4-256 ice-chars, pwd 22-256 ice-chars (ice-char = ALPHA / DIGIT / "+" / "/").
    /// Remote values are read as sent; ours must satisfy this before they go into an SDP.
    /// </summary>
    public bool IsValid => IsIceChars(Ufrag, 4) && IsIceChars(Password, 22);

    /// <summary>The password authenticates STUN checks; keep it out of logs.</summary>
    public override string ToString() => $"ufrag={Ufrag} pwd=***";

    private static bool IsIceChars(string? s, int minLength) =>
        s is not null && s.Length >= minLength && s.Length <= 256
        && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');
}
