using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>Shared fixtures: one managed codec factory and helpers to capture and inspect RTP.</summary>
internal static class MediaTestKit
{
    public const byte OpusPt = 111;
    public const byte EventPt = 101;

    private static readonly Lazy<OpusEncoderFactory> LazyCodecs = new(() => new OpusEncoderFactory());

    public static OpusEncoderFactory Codecs => LazyCodecs.Value;

    /// <summary>Encodes <paramref name="frames"/> frames of a tone with a fresh encoder.</summary>
    public static List<byte[]> EncodeTone(double frequency, int frames)
    {
        using var encoder = Codecs.CreateEncoder();
        var tone = new ToneGenerator(frequency);
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        var packets = new List<byte[]>();
        for (var i = 0; i < frames; i++)
        {
            tone.Fill(pcm);
            packets.Add(buffer.AsSpan(0, encoder.Encode(pcm, buffer)).ToArray());
        }

        return packets;
    }

    public static ParsedRtp Parse(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        return new ParsedRtp(rtp.Header.PayloadType, rtp.Header.Marker, rtp.Header.SequenceNumber, rtp.Header.Timestamp, rtp.Header.Ssrc, rtp.Payload.ToArray());
    }
}

internal sealed record ParsedRtp(byte PayloadType, bool Marker, ushort SequenceNumber, uint Timestamp, uint Ssrc, byte[] Payload);

/// <summary>Collects copies of every packet a send stream emits.</summary>
internal sealed class PacketCapture
{
    public List<byte[]> Packets { get; } = [];

    public void Sink(ReadOnlySpan<byte> packet) => Packets.Add(packet.ToArray());
}
