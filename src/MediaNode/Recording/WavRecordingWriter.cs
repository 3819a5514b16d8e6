using System.Buffers.Binary;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Decodes received Opus packets into a 16-bit 48 kHz mono WAV. A gap in RTP timestamps is concealed frame by
/// frame (Opus PLC) so the file's timeline matches the call's. Expects 20 ms packets (what WebRTC peers send);
/// others are counted as dropped. Not thread-safe.
/// </summary>
public sealed class WavRecordingWriter : IDisposable
{
    private const int HeaderSize = 44;
    private readonly OpusFrameDecoder _decoder;
    private readonly MemoryStream _pcm = new();
    private readonly short[] _frame = new short[OpusCodec.FrameSamples];
    private long _lastTimestamp;
    private long _nextTimestamp;
    private bool _started;

    public WavRecordingWriter(OpusEncoderFactory codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        _decoder = codecs.CreateDecoder();
    }

    public long PacketsDropped { get; private set; }

    public void WritePacket(ReadOnlySpan<byte> packet, uint rtpTimestamp)
    {
        if (!OpusPacketDuration.TryGetSamples(packet, out var samples) || samples != OpusCodec.FrameSamples)
        {
            PacketsDropped++;
            return;
        }

        var timestamp = _started ? _lastTimestamp + unchecked((int)(rtpTimestamp - (uint)_lastTimestamp)) : rtpTimestamp;
        _lastTimestamp = timestamp;
        if (!_started)
        {
            _started = true;
            _nextTimestamp = timestamp;
        }

        if (timestamp < _nextTimestamp)
        {
            PacketsDropped++;
            return;
        }

        var missing = Math.Min((timestamp - _nextTimestamp) / OpusCodec.FrameSamples, OggOpusWriter.MaxRepairedGapSamples / OpusCodec.FrameSamples);
        for (var i = 0; i < missing; i++)
        {
            Append(_decoder.Conceal(_frame));
        }

        try
        {
            Append(_decoder.Decode(packet, _frame));
        }
        catch (Concentus.OpusException)
        {
            Append(_decoder.Conceal(_frame)); // a corrupt packet still occupies its 20 ms
        }

        _nextTimestamp = timestamp + samples;
    }

    /// <summary>The complete RIFF file.</summary>
    public byte[] ToWav()
    {
        var dataLength = (int)_pcm.Length;
        var file = new byte[HeaderSize + dataLength];
        var span = file.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + dataLength));
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], OpusCodec.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], OpusCodec.SampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)dataLength);
        _pcm.GetBuffer().AsSpan(0, dataLength).CopyTo(span[HeaderSize..]);
        return file;
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _pcm.Dispose();
    }

    private void Append(int samples)
    {
        Span<byte> bytes = stackalloc byte[2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes, _frame[i]);
            _pcm.Write(bytes);
        }
    }
}
