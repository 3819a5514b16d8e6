namespace Serverless.WebRtc.Media;

/// <summary>
/// The one Opus configuration this peer speaks: 48 kHz mono, 20 ms frames (RFC 7587 §4.1: the RTP clock is
/// always 48 kHz). SDP still says <c>opus/48000/2</c>; a mono stream is valid there (TOC stereo bit 0).
/// </summary>
public static class OpusCodec
{
    /// <summary>Sample rate and RTP clock rate (RFC 7587 §4.1).</summary>
    public const int SampleRate = 48_000;

    /// <summary>We encode and decode mono.</summary>
    public const int Channels = 1;

    /// <summary>Samples per channel in one 20 ms frame; also the RTP timestamp step per packet.</summary>
    public const int FrameSamples = 960;

    /// <summary>Largest Opus packet for one frame (RFC 6716 §3.2.1: 1275 bytes plus TOC and framing).</summary>
    public const int MaxPacketBytes = 1_500;

    /// <summary>The RTP payload type Chrome and WhatsApp offer for Opus; negotiated per call, this is a default.</summary>
    public const byte DefaultPayloadType = 111;

    /// <summary>Duration of one frame.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);
}
