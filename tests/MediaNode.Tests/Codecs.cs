using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests;

/// <summary>Shared test helpers around Opus.</summary>
internal static class Codecs
{
    /// <summary>One factory for the test run (creating one encodes its silence frame).</summary>
    public static readonly OpusEncoderFactory Shared = new();

    /// <summary>Decodes 20 ms packets to one PCM buffer.</summary>
    public static short[] Decode(IEnumerable<ReadOnlyMemory<byte>> packets)
    {
        using var decoder = Shared.CreateDecoder();
        var pcm = new List<short>();
        var frame = new short[OpusCodec.FrameSamples];
        foreach (var packet in packets)
        {
            var n = packet.Length <= 1 ? decoder.Conceal(frame) : decoder.Decode(packet.Span, frame);
            pcm.AddRange(frame.AsSpan(0, n).ToArray());
        }

        return [.. pcm];
    }

    /// <summary>Encodes a tone into consecutive 20 ms packets.</summary>
    public static byte[][] EncodeTone(double hz, int frames)
    {
        using var encoder = Shared.CreateEncoder();
        var tone = new ToneGenerator(hz);
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        var packets = new byte[frames][];
        for (var i = 0; i < frames; i++)
        {
            tone.Fill(pcm);
            packets[i] = buffer.AsSpan(0, encoder.Encode(pcm, buffer)).ToArray();
        }

        return packets;
    }
}
