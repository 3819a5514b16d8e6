using BenchmarkDotNet.Attributes;
using Serverless.WebRtc.Rtp;

namespace Serverless.Benchmarks;

/// <summary>
/// RTP parse cost on the receive path: a 172-byte libwebrtc-style Opus packet (12-byte header, one-byte
/// extension with audio level and abs-send-time, 148-byte payload). Parsing must not allocate.
/// </summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private const byte AudioLevelId = 1;

    private readonly byte[] _packet = BuildOpusPacket();

    [Benchmark(Baseline = true)]
    public int ParseHeader()
    {
        return RtpHeader.TryParse(_packet, out var header) ? header.SequenceNumber + header.Length : -1;
    }

    [Benchmark]
    public int ParsePacket()
    {
        return RtpPacket.TryParse(_packet, out var packet) ? packet.Payload.Length + packet.Header.PayloadType : -1;
    }

    [Benchmark]
    public int ParsePacketAndFindAudioLevel()
    {
        return RtpPacket.TryParse(_packet, out var packet)
            && RtpExtensionReader.TryFind(packet.Header, AudioLevelId, out var level)
            ? level[0] & 0x7F
            : -1;
    }

    private static byte[] BuildOpusPacket()
    {
        var header = Convert.FromHexString("906F3039" + "0001E240" + "2A5C1B3D" + "BEDE0002" + "109F" + "32ABCDEF" + "0000");
        var packet = new byte[172];
        header.CopyTo(packet, 0);
        packet[header.Length] = 0x78; // Opus TOC byte
        return packet;
    }
}
