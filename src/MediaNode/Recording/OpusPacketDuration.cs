using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>How many 48 kHz samples an Opus packet decodes to, from its TOC and frame count (RFC 6716 §3.1-§3.2).</summary>
public static class OpusPacketDuration
{
    /// <summary>RFC 6716 §3.2.5: a packet holds at most 120 ms.</summary>
    public const int MaxSamples = 5_760;

    /// <summary>Samples per channel at 48 kHz; false for an empty or malformed packet.</summary>
    public static bool TryGetSamples(ReadOnlySpan<byte> packet, out int samples)
    {
        samples = 0;
        if (packet.IsEmpty)
        {
            return false;
        }

        var perFrame = OpusPacket.SamplesPerFrame(packet[0] >> 3);
        int frames;
        switch (packet[0] & 0x03)
        {
            case 0:
                frames = 1;
                break;
            case 1:
            case 2:
                frames = 2;
                break;
            default:
                if (packet.Length < 2)
                {
                    return false;
                }

                frames = packet[1] & 0x3F;
                break;
        }

        samples = frames * perFrame;
        return frames > 0 && samples <= MaxSamples;
    }
}
