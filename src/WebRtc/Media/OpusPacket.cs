namespace Serverless.WebRtc.Media;

/// <summary>Reads what the receive path needs from an Opus packet's framing (RFC 6716 §3.1-§3.2).</summary>
public static class OpusPacket
{
    /// <summary>
    /// True when the packet's first frame carries SILK LBRR (in-band FEC) data for the frame before it.
    /// The SILK layer opens each frame with one VAD flag per 20 ms SILK frame and then the LBRR flag, coded
    /// as equiprobable bits that the range coder leaves as the top bits of the first frame byte (RFC 6716
    /// §4.2.3-§4.2.4). CELT-only packets never carry it.
    /// </summary>
    public static bool HasInbandFec(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return false;
        }

        var toc = packet[0];
        var config = toc >> 3;
        if (config >= 16)
        {
            return false; // CELT-only (RFC 6716 §3.1, Table 2)
        }

        if (!TryGetFirstFrameOffset(packet, out var offset) || offset >= packet.Length)
        {
            return false;
        }

        var silkFrames = Math.Max(1, SamplesPerFrame(config) / 960);
        var first = packet[offset];
        var lbrr = (first >> (7 - silkFrames)) & 1;
        if ((toc & 0x04) != 0)
        {
            lbrr |= (first >> (6 - (2 * silkFrames))) & 1; // the side channel's flags follow (stereo)
        }

        return lbrr != 0;
    }

    /// <summary>Samples per frame at 48 kHz for a TOC configuration number (RFC 6716 §3.1, Table 2).</summary>
    public static int SamplesPerFrame(int config) => config switch
    {
        < 12 => (config & 3) == 3 ? 2880 : 480 << (config & 3), // SILK: 10, 20, 40, 60 ms
        < 16 => 480 << (config & 1), // Hybrid: 10, 20 ms
        _ => 120 << (config & 3), // CELT: 2.5, 5, 10, 20 ms
    };

    // RFC 6716 §3.2: where the first frame's bytes begin for frame-count codes 0-3.
    private static bool TryGetFirstFrameOffset(ReadOnlySpan<byte> packet, out int offset)
    {
        offset = 1;
        switch (packet[0] & 0x03)
        {
            case 0:
            case 1:
                return true;
            case 2:
                return TrySkipLength(packet, ref offset);
            default:
                if (packet.Length < 2)
                {
                    return false;
                }

                var countByte = packet[1];
                var frameCount = countByte & 0x3F;
                var variable = (countByte & 0x80) != 0;
                var padded = (countByte & 0x40) != 0;
                offset = 2;
                while (padded)
                {
                    if (offset >= packet.Length)
                    {
                        return false;
                    }

                    padded = packet[offset++] == 255; // 255 means 254 bytes and another length byte
                }

                if (variable)
                {
                    for (var i = 0; i < frameCount - 1; i++)
                    {
                        if (!TrySkipLength(packet, ref offset))
                        {
                            return false;
                        }
                    }
                }

                return frameCount > 0;
        }
    }

    // A frame length is one byte below 252, else two bytes (RFC 6716 §3.2.1).
    private static bool TrySkipLength(ReadOnlySpan<byte> packet, ref int offset)
    {
        if (offset >= packet.Length)
        {
            return false;
        }

        offset += packet[offset] < 252 ? 1 : 2;
        return offset <= packet.Length;
    }
}
