using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Serverless.WebRtc.Media;

namespace Serverless.Benchmarks;

/// <summary>
/// Per-packet cost of the audio media paths without Opus work: sending a pre-encoded frame (RTP write +
/// sink) and receiving one (parse, RFC 3550 statistics, jitter buffer or record callback). Both must report
/// 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class MediaPathBenchmarks
{
    private readonly byte[] _sinkBuffer = new byte[1500];
    private readonly byte[] _packet = new byte[12 + 80];
    private readonly short[] _pcm = new short[OpusCodec.FrameSamples];
    private AudioSendStream _sendStream = null!;
    private AudioReceiveStream _recordStream = null!;
    private AudioReceiveStream _bufferedStream = null!;
    private ushort _sequence;
    private uint _timestamp;
    private long _recorded;

    [GlobalSetup]
    public void Setup()
    {
        var codecs = new OpusEncoderFactory();
        var frame = new byte[80];
        Random.Shared.NextBytes(frame);
        _sendStream = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = 1 },
            new LoopingSource(frame),
            codecs.SilenceFrame,
            packet => packet.CopyTo(_sinkBuffer));

        // A template RTP packet; each receive iteration stamps the next sequence number and timestamp in place.
        _packet[0] = 0x80;
        _packet[1] = OpusCodec.DefaultPayloadType;
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(8), 0xBEEF);
        frame.CopyTo(_packet.AsSpan(12));
        _recordStream = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly });
        _recordStream.OpusPacketReceived += (payload, _, _) => _recorded += payload.Length;
        _bufferedStream = new AudioReceiveStream(new AudioReceiveStreamOptions(), codecs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recordStream.Dispose();
        _bufferedStream.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void SendPreEncodedPacket() => _sendStream.OnTick();

    [Benchmark]
    public int ReceivePacketForRecording() => (int)_recordStream.ProcessRtp(NextPacket());

    /// <summary>Receive into the jitter buffer (nobody reads: the bounded window slides), without decoding.</summary>
    [Benchmark]
    public int ReceivePacketIntoJitterBuffer() => (int)_bufferedStream.ProcessRtp(NextPacket());

    [Benchmark]
    public double MeasureToneFrequencyOfOneFrame() => ToneDetector.EstimateFrequency(_pcm);

    private byte[] NextPacket()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), _timestamp += OpusCodec.FrameSamples);
        return _packet;
    }

    private sealed class LoopingSource(byte[] frame) : IAudioSource
    {
        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            frame.CopyTo(destination);
            written = frame.Length;
            return true;
        }
    }
}

/// <summary>Managed Concentus and native libopus encode and decode of one 20 ms frame of a 440 Hz tone (48 kHz mono, 32 kbps).</summary>
[MemoryDiagnoser]
public class OpusFrameBenchmarks
{
    private readonly short[] _frame = new short[OpusCodec.FrameSamples];
    private readonly short[] _decoded = new short[OpusCodec.FrameSamples];
    private readonly byte[] _packet = new byte[OpusCodec.MaxPacketBytes];
    private OpusFrameEncoder _encoder = null!;
    private OpusFrameDecoder _decoder = null!;
    private int _packetLength;

    [Params(5, 10)]
    public int Complexity { get; set; }

    [Params(false, true)]
    public bool Native { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var codecs = new OpusEncoderFactory(new OpusCodecOptions { Complexity = Complexity, AttemptToUseNativeLibrary = Native });
        _encoder = codecs.CreateEncoder();
        _decoder = codecs.CreateDecoder();
        new ToneGenerator(440).Fill(_frame);
        _packetLength = _encoder.Encode(_frame, _packet);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    [Benchmark]
    public int Encode20Ms() => _encoder.Encode(_frame, _packet);

    [Benchmark]
    public int Decode20Ms() => _decoder.Decode(_packet.AsSpan(0, _packetLength), _decoded);
}
