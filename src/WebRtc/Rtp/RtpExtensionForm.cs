namespace Serverless.WebRtc.Rtp;

/// <summary>The two RFC 8285 element layouts inside an RTP header extension.</summary>
public enum RtpExtensionForm
{
    /// <summary>Profile 0xBEDE: 4-bit id (1-14), 4-bit length-1, 1-16 data bytes (RFC 8285 §4.2).</summary>
    OneByte,

    /// <summary>Profile 0x100X: 8-bit id (1-255), 8-bit length, 0-255 data bytes (RFC 8285 §4.3).</summary>
    TwoByte,
}

/// <summary>The "defined by profile" values RFC 8285 assigns to its two forms.</summary>
internal static class RtpExtensionProfiles
{
    /// <summary>One-byte form marker (RFC 8285 §4.2).</summary>
    public const ushort OneByte = 0xBEDE;

    /// <summary>Two-byte form: 0x100 in the upper 12 bits, the low 4 bits are "appbits" (RFC 8285 §4.3).</summary>
    public const ushort TwoByte = 0x1000;

    private const ushort TwoByteMask = 0xFFF0;

    /// <summary>Maps a profile value to its RFC 8285 form; false for any other (non-RFC 8285) profile.</summary>
    public static bool TryGetForm(ushort profile, out RtpExtensionForm form)
    {
        if (profile == OneByte)
        {
            form = RtpExtensionForm.OneByte;
            return true;
        }

        form = RtpExtensionForm.TwoByte;
        return (profile & TwoByteMask) == TwoByte;
    }
}
