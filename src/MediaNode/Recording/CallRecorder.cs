using System.Security.Cryptography;
using Serverless.WebRtc.Media;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// One call's recording in memory: packets arrive on the receive thread, <see cref="Finish"/> comes from the
/// call's task, so every member takes the one lock. Ogg Opus keeps packets as received (about 4 KB/s at
/// 32 kbps); WAV decodes as it goes.
/// </summary>
public sealed class CallRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly MemoryStream _ogg = new();
    private readonly OggOpusWriter? _oggWriter;
    private readonly WavRecordingWriter? _wavWriter;
    private bool _finished;
    private uint _firstTimestamp;
    private long _endSamples;

    public CallRecorder(RecordingFormat format, OpusEncoderFactory codecs)
    {
        Format = format;
        if (format == RecordingFormat.Wav)
        {
            _wavWriter = new WavRecordingWriter(codecs);
        }
        else
        {
            _oggWriter = new OggOpusWriter(_ogg, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)));
        }
    }

    public RecordingFormat Format { get; }

    public string ContentType => RecordingContentTypes.Of(Format);

    /// <summary>Packets stored (not counting concealment).</summary>
    public long PacketsRecorded { get; private set; }

    /// <summary>Media time covered, first packet to the end of the last (RTP timestamps, gaps included), in seconds.</summary>
    public double DurationSeconds
    {
        get
        {
            lock (_gate)
            {
                return (double)_endSamples / OpusCodec.SampleRate;
            }
        }
    }

    /// <summary>Adds a received packet; ignored once finished.</summary>
    public void Append(ReadOnlySpan<byte> payload, uint rtpTimestamp)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            if (_oggWriter is not null)
            {
                _oggWriter.WritePacket(payload, rtpTimestamp);
            }
            else
            {
                _wavWriter!.WritePacket(payload, rtpTimestamp);
            }

            if (PacketsRecorded == 0)
            {
                _firstTimestamp = rtpTimestamp;
            }

            var samples = OpusPacketDuration.TryGetSamples(payload, out var n) ? n : 0;
            _endSamples = Math.Max(_endSamples, unchecked(rtpTimestamp - _firstTimestamp) + (long)samples);
            PacketsRecorded++;
        }
    }

    /// <summary>Stops recording and returns the complete file.</summary>
    public byte[] Finish()
    {
        lock (_gate)
        {
            _finished = true;
            if (_oggWriter is not null)
            {
                _oggWriter.Finish();
                return _ogg.ToArray();
            }

            return _wavWriter!.ToWav();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _finished = true;
            _ogg.Dispose();
            _wavWriter?.Dispose();
        }
    }
}
