using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtp;

namespace Serverless.Fuzz.Targets;

/// <summary>
/// RTP (RFC 3550, header extensions RFC 8285, telephone-event RFC 4733, audio level RFC 6464) and the receive
/// path behind it: every input also goes through one long-lived <see cref="AudioReceiveStream"/> (statistics,
/// DTMF detector), as decrypted packets do on the media socket.
/// </summary>
internal sealed class RtpTarget : FuzzTarget
{
    private AudioReceiveStream _stream = NewStream();
    private int _count;

    public override string Name => "rtp";

    public override string Parser => "Serverless.WebRtc.Rtp.RtpPacket.TryParse, RtpExtensionReader, TelephoneEventReader, AudioLevel; AudioReceiveStream.ProcessRtp";

    public override IReadOnlyList<byte[]> Seeds() =>
    [
        // Opus, one-byte extensions (audio level, abs-send-time), 148-byte payload.
        Packet("906F3039" + "0001E240" + "2A5C1B3D" + "BEDE0002" + "109F" + "32ABCDEF" + "0000", 0x78, 148),
        // Two-byte extension profile (0x100x), two CSRCs, padding.
        Packet("B26F303A" + "0001E620" + "2A5C1B3D" + "11111111" + "22222222" + "10000002" + "0101AA00" + "0202BBCC", 0x78, 40, padding: 4),
        // RFC 4733 telephone-event payload (digit 5, end bit, volume 10, duration 800).
        Convert.FromHexString("80E5303B0001E9102A5C1B3D" + "058A0320"),
        // Minimal header, empty payload.
        Convert.FromHexString("806F303C0001ED002A5C1B3D"),
    ];

    // A fresh stream now and then, so the statistics also see first packets, not only a long session; done here
    // (outside the measured call) so the new stream's own allocation is not charged to an input.
    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool)
    {
        if (++_count % 10_000 == 0)
        {
            _stream.Dispose();
            _stream = NewStream();
        }

        return base.Mutate(mutator, seed, pool);
    }

    public override bool Run(byte[] input)
    {
        _stream.ProcessRtp(input);
        if (!RtpPacket.TryParse(input, out var packet))
        {
            return false;
        }

        foreach (var element in new RtpExtensionReader(packet.Header))
        {
            _ = element.Id;
            _ = AudioLevel.TryParse(element.Data, out _);
        }

        foreach (var telephoneEvent in new TelephoneEventReader(packet.Payload))
        {
            _ = telephoneEvent.EventCode;
        }

        _ = TelephoneEvent.TryParse(packet.Payload, out _);
        _ = packet.Header.Csrcs.Length;
        return true;
    }

    private static AudioReceiveStream NewStream() =>
        new(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly, TelephoneEventPayloadType = 101 });

    private static byte[] Packet(string headerHex, byte toc, int payloadLength, int padding = 0)
    {
        var header = Convert.FromHexString(headerHex);
        var packet = new byte[header.Length + payloadLength + padding];
        header.CopyTo(packet, 0);
        packet[header.Length] = toc;
        if (padding > 0)
        {
            packet[0] |= 0x20;
            packet[^1] = (byte)padding;
        }

        return packet;
    }
}
