using System.Buffers.Binary;
using System.Text;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Writes received Opus packets, unchanged, as an Ogg Opus stream (RFC 7845): the ID header (OpusHead) alone
/// on the first page, the comment header (OpusTags) on the second, then audio pages of up to one second.
/// Granule positions count 48 kHz samples from the first packet's RTP timestamp (§4): a gap in the RTP
/// timeline (lost packets, DTX) is filled with zero-length-frame packets that ask the decoder for
/// concealment (§4.1 Repairing Gaps), so every page's granule position stays equal to the samples decoded.
/// Pre-skip is 0: the packets were encoded elsewhere and their start is already the call's start.
/// </summary>
public sealed class OggOpusWriter
{
    /// <summary>Audio packets per page: 50 × 20 ms = 1 s, a reasonable seek granularity.</summary>
    public const int PacketsPerPage = 50;

    private const string DefaultVendor = "Serverless.MediaNode";
    private readonly OggPageWriter _pages;
    private readonly byte[] _plc = new byte[1];
    private long _lastTimestamp;
    private long _nextTimestamp;
    private bool _started;
    private byte _lastToc;
    private bool _finished;

    public OggOpusWriter(Stream output, uint serialNumber, string vendor = DefaultVendor)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        _pages = new OggPageWriter(output, serialNumber);
        _pages.AddPacket(OpusHead(), 0);
        _pages.Flush();
        _pages.AddPacket(OpusTags(vendor), 0);
        _pages.Flush();
    }

    /// <summary>Samples written so far (the granule position after the last packet).</summary>
    public long GranulePosition { get; private set; }

    public long PacketsWritten { get; private set; }

    /// <summary>Concealment packets inserted for gaps.</summary>
    public long ConcealmentPacketsInserted { get; private set; }

    /// <summary>Jumps longer than <see cref="RecordingGaps.MaxFilledGap"/>: skipped, not filled.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Packets that arrived behind the timeline already written (reordered too late) or were malformed.</summary>
    public long PacketsDropped { get; private set; }

    /// <summary>Adds one received packet at its RTP timestamp (48 kHz clock, RFC 7587 §4.1).</summary>
    public void WritePacket(ReadOnlySpan<byte> packet, uint rtpTimestamp)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!OpusPacketDuration.TryGetSamples(packet, out var samples))
        {
            PacketsDropped++;
            return;
        }

        var timestamp = Unwrap(rtpTimestamp);
        if (!_started)
        {
            _started = true;
            _nextTimestamp = timestamp;
        }

        var gap = timestamp - _nextTimestamp;
        if (gap < 0)
        {
            PacketsDropped++; // its place in the timeline is already written
            return;
        }

        if (gap > RecordingGaps.MaxFilledGapSamples)
        {
            Resyncs++;
        }
        else if (gap > 0)
        {
            Repair(gap);
        }

        GranulePosition += samples;
        _pages.AddPacket(packet, GranulePosition);
        PacketsWritten++;
        _lastToc = packet[0];
        _nextTimestamp = timestamp + samples;
        if (_pages.PendingPackets >= PacketsPerPage)
        {
            _pages.Flush();
        }
    }

    /// <summary>Writes the last page, flagged end-of-stream. Further packets are refused.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _pages.Flush(endOfStream: true);
    }

    // RFC 7845 §4.1: a packet with the previous packet's mode, bandwidth, channels and frame size (code 0,
    // one frame) whose frame is zero bytes long (RFC 6716 §3.2.1) makes the decoder conceal that frame.
    private void Repair(long gap)
    {
        var toc = (byte)(_lastToc & 0xFC);
        var perFrame = OpusPacket.SamplesPerFrame(toc >> 3);
        _plc[0] = toc;
        for (var filled = 0L; filled + perFrame <= gap; filled += perFrame)
        {
            GranulePosition += perFrame;
            _pages.AddPacket(_plc, GranulePosition);
            ConcealmentPacketsInserted++;
            if (_pages.PendingPackets >= PacketsPerPage)
            {
                _pages.Flush();
            }
        }
    }

    private long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _lastTimestamp = timestamp;
            return _lastTimestamp;
        }

        _lastTimestamp += unchecked((int)(timestamp - (uint)_lastTimestamp));
        return _lastTimestamp;
    }

    // RFC 7845 §5.1: magic, version 1, channel count, pre-skip, input rate, output gain, mapping family 0.
    private static byte[] OpusHead()
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = OpusCodec.Channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), OpusCodec.SampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head.AsSpan(16), 0);
        head[18] = 0;
        return head;
    }

    // RFC 7845 §5.2: magic, vendor string (length-prefixed UTF-8), user comment count 0.
    private static byte[] OpusTags(string vendor)
    {
        var vendorBytes = Encoding.UTF8.GetBytes(vendor);
        var tags = new byte[8 + 4 + vendorBytes.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(8), (uint)vendorBytes.Length);
        vendorBytes.CopyTo(tags, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(12 + vendorBytes.Length), 0);
        return tags;
    }
}
