using System.Buffers.Binary;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Decodes received Opus packets into the data chunk of a 16-bit 48 kHz mono WAV, written to a stream as it
/// goes; the 44-byte header, whose sizes are known only at the end, comes from <see cref="Header"/>. A gap
/// in RTP timestamps is filled as <see cref="RecordingGaps"/> says (a few concealed frames, then silence; a
/// long jump resyncs), so the file's timeline matches the call's at a bounded cost per packet. Expects 20 ms
/// packets (what WebRTC peers send); others are counted as dropped. Not thread-safe.
/// </summary>
public sealed class WavRecordingWriter : IDisposable
{
    public const int HeaderSize = 44;
    private const int FrameBytes = OpusCodec.FrameSamples * 2;
    private readonly Stream _output;
    private readonly OpusFrameDecoder _decoder;
    private readonly short[] _frame = new short[OpusCodec.FrameSamples];
    private readonly byte[] _bytes = new byte[FrameBytes];
    private readonly byte[] _silence = new byte[FrameBytes];
    private long _lastTimestamp;
    private long _nextTimestamp;
    private bool _started;

    public WavRecordingWriter(Stream output, OpusEncoderFactory codecs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(codecs);
        _output = output;
        _decoder = codecs.CreateDecoder();
    }

    public long PacketsDropped { get; private set; }

    /// <summary>Packets decoded (a corrupt one is concealed instead and counted in <see cref="FramesConcealed"/>).</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>Frames the decoder concealed (gaps and corrupt packets).</summary>
    public long FramesConcealed { get; private set; }

    /// <summary>Frames of plain silence written for the rest of gaps.</summary>
    public long FramesSilent { get; private set; }

    /// <summary>Jumps longer than <see cref="RecordingGaps.MaxFilledGap"/>: skipped, not filled.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Bytes of PCM written (the data chunk).</summary>
    public long DataLength { get; private set; }

    /// <summary>Samples written.</summary>
    public long Samples => DataLength / 2;

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

        var gap = timestamp - _nextTimestamp;
        if (gap < 0)
        {
            PacketsDropped++;
            return;
        }

        if (gap > RecordingGaps.MaxFilledGapSamples)
        {
            Resyncs++;
        }
        else
        {
            var missing = gap / OpusCodec.FrameSamples;
            for (var i = 0L; i < missing; i++)
            {
                if (i < RecordingGaps.MaxConcealedFrames)
                {
                    WriteFrame(_decoder.Conceal(_frame));
                    FramesConcealed++;
                }
                else
                {
                    Write(_silence);
                    FramesSilent++;
                }
            }
        }

        try
        {
            WriteFrame(_decoder.Decode(packet, _frame));
            FramesDecoded++;
        }
        catch (InvalidDataException)
        {
            WriteFrame(_decoder.Conceal(_frame)); // a corrupt packet still occupies its 20 ms
            FramesConcealed++;
        }

        _nextTimestamp = timestamp + samples;
    }

    /// <summary>The RIFF header for the data written so far (canonical 44 bytes, PCM).</summary>
    public byte[] Header() => BuildHeader(DataLength);

    /// <summary>The RIFF header of a 16-bit 48 kHz mono file with <paramref name="dataLength"/> bytes of PCM.</summary>
    public static byte[] BuildHeader(long dataLength)
    {
        if (dataLength is < 0 or > uint.MaxValue - 36)
        {
            throw new ArgumentOutOfRangeException(nameof(dataLength), "A RIFF file holds at most 4 GiB.");
        }

        var header = new byte[HeaderSize];
        var span = header.AsSpan();
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
        return header;
    }

    public void Dispose() => _decoder.Dispose();

    private void WriteFrame(int samples)
    {
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(_bytes.AsSpan(i * 2), _frame[i]);
        }

        Write(_bytes.AsSpan(0, samples * 2));
    }

    private void Write(ReadOnlySpan<byte> pcm)
    {
        _output.Write(pcm);
        DataLength += pcm.Length;
    }
}
