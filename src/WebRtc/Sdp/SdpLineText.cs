namespace Serverless.WebRtc.Sdp;

/// <summary>What may appear inside one SDP line: RFC 8866 §9 <c>byte-string</c> excludes NUL, CR and LF.</summary>
internal static class SdpLineText
{
    public static bool IsValidValue(ReadOnlySpan<char> value) => value.IndexOfAny('\0', '\r', '\n') < 0;
}
