using Serverless.MediaNode.Recording;
using Serverless.WebRtc.Media;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// Measures the tone in a recording the MediaNode wrote as Ogg Opus (RFC 7845): demuxes the Ogg pages (RFC 3533),
/// decodes the audio packets with the stack's own Opus decoder and measures with <see cref="ToneDetector"/>, the same
/// decoder and detector the WebRTC phone uses for what it hears.
/// </summary>
internal static class RecordingTone
{
    /// <summary>The dominant frequency in Hz (0 when there is no audio) and the seconds of audio decoded.</summary>
    public static (double Hz, double Seconds) MeasureOggOpus(ReadOnlySpan<byte> file)
    {
        var packets = OggPackets(file);
        using var decoder = new OpusEncoderFactory().CreateDecoder();
        var pcm = new List<short>();
        var frame = new short[OpusCodec.SampleRate * 120 / 1000];
        // The first two packets are the OpusHead and OpusTags headers. TOC-only packets are the writer's gap repairs
        // (a zero-length frame: "lost", RFC 6716 §3.2.1) and carry no tone; the frame decoder takes 20 ms frames only.
        foreach (var packet in packets.Skip(2))
        {
            if (packet.Length > 1 && OpusPacketDuration.TryGetSamples(packet, out var duration) && duration == OpusCodec.FrameSamples)
            {
                var samples = decoder.Decode(packet, frame);
                pcm.AddRange(frame.AsSpan(0, samples));
            }
        }

        var all = pcm.ToArray();
        return (ToneDetector.EstimateFrequency(all), (double)all.Length / OpusCodec.SampleRate);
    }

    private static List<byte[]> OggPackets(ReadOnlySpan<byte> file)
    {
        var packets = new List<byte[]>();
        var current = new List<byte>();
        var offset = 0;
        while (offset + 27 <= file.Length)
        {
            if (!file.Slice(offset, 4).SequenceEqual("OggS"u8))
            {
                throw new InvalidDataException($"No Ogg page at byte {offset}.");
            }

            var segments = file[offset + 26];
            var body = offset + 27 + segments;
            for (var i = 0; i < segments; i++)
            {
                var lace = file[offset + 27 + i];
                current.AddRange(file.Slice(body, lace));
                body += lace;
                // A lacing value below 255 ends a packet; 255 continues it (possibly on the next page).
                if (lace < 255)
                {
                    packets.Add([.. current]);
                    current.Clear();
                }
            }

            offset = body;
        }

        return packets;
    }
}
