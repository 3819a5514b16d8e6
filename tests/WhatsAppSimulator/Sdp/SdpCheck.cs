namespace Serverless.Testing.WhatsAppSimulator.Sdp;

/// <summary>Outcome of the simulator's SDP screening, mirroring the checks Meta documents.</summary>
public enum SdpCheck
{
    /// <summary>Looks like an audio session description with only SHA-256 fingerprints.</summary>
    Valid,

    /// <summary>Not an RFC 8866 description with an audio m-line.</summary>
    NotAudioSdp,

    /// <summary>No <c>a=fingerprint</c> line: DTLS-SRTP cannot be keyed.</summary>
    MissingFingerprint,

    /// <summary>A fingerprint with a hash other than sha-256 (Meta: "Fingerprint algo is not SHA256").</summary>
    FingerprintNotSha256,
}

/// <summary>Screens SDP the business sends, the way Meta's validation is observed to behave.</summary>
public static class SdpScreen
{
    /// <summary>Checks <paramref name="sdp"/>; line endings may be CRLF or LF.</summary>
    public static SdpCheck Check(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        // RFC 8866 §5: the description starts with the protocol version line.
        if (!sdp.StartsWith("v=0", StringComparison.Ordinal))
        {
            return SdpCheck.NotAudioSdp;
        }

        var hasAudio = false;
        var fingerprints = 0;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("m=audio ", StringComparison.Ordinal))
            {
                hasAudio = true;
            }
            else if (line.StartsWith("a=fingerprint:", StringComparison.Ordinal))
            {
                fingerprints++;
                // RFC 8122 §5: a=fingerprint:<hash-func> <fingerprint>; Meta accepts sha-256 only.
                var value = line["a=fingerprint:".Length..];
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                var hash = space < 0 ? value : value[..space];
                if (!hash.Equals("sha-256", StringComparison.OrdinalIgnoreCase))
                {
                    return SdpCheck.FingerprintNotSha256;
                }
            }
        }

        if (!hasAudio)
        {
            return SdpCheck.NotAudioSdp;
        }

        return fingerprints == 0 ? SdpCheck.MissingFingerprint : SdpCheck.Valid;
    }
}
