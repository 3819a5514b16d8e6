using System.Buffers;
using System.Buffers.Binary;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Collects whole packets into Ogg pages of one logical stream (RFC 3533 §6) and writes each page with its
/// CRC. Packets here are at most a few KB, so a packet never spans pages: a page is flushed before a packet
/// that would not fit its 255 lacing values. Not thread-safe.
/// </summary>
public sealed class OggPageWriter
{
    public const int HeaderSize = 27;
    public const int MaxSegments = 255;

    private readonly Stream _output;
    private readonly byte[] _segments = new byte[MaxSegments];
    private readonly ArrayBufferWriter<byte> _body = new();
    private int _segmentCount;
    private int _packetCount;
    private uint _sequence;
    private long _granule;
    private bool _begun;

    public OggPageWriter(Stream output, uint serialNumber)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        SerialNumber = serialNumber;
    }

    public uint SerialNumber { get; }

    /// <summary>Packets waiting in the unwritten page.</summary>
    public int PendingPackets => _packetCount;

    /// <summary>Pages written so far.</summary>
    public uint PagesWritten => _sequence;

    /// <summary>
    /// Adds a packet to the current page; <paramref name="granuleAfter"/> is the stream position once this
    /// packet is decoded (the page carries the one of its last completed packet, RFC 3533 §6).
    /// </summary>
    public void AddPacket(ReadOnlySpan<byte> packet, long granuleAfter)
    {
        // RFC 3533 §5: a packet is 255-byte lacing values ending in one below 255 (0 for an exact multiple).
        var lacing = (packet.Length / 255) + 1;
        if (lacing > MaxSegments)
        {
            throw new ArgumentException("A packet of more than 64 KB does not fit one page.", nameof(packet));
        }

        if (_segmentCount + lacing > MaxSegments)
        {
            Flush();
        }

        for (var i = 0; i < lacing - 1; i++)
        {
            _segments[_segmentCount++] = 255;
        }

        _segments[_segmentCount++] = (byte)(packet.Length % 255);
        _body.Write(packet);
        _packetCount++;
        _granule = granuleAfter;
    }

    /// <summary>Writes the pending packets as one page (nothing when none are pending and not final).</summary>
    public void Flush(bool endOfStream = false)
    {
        if (_packetCount == 0 && !endOfStream)
        {
            return;
        }

        var flags = OggHeaderType.None;
        if (!_begun)
        {
            flags |= OggHeaderType.BeginningOfStream;
            _begun = true;
        }

        if (endOfStream)
        {
            flags |= OggHeaderType.EndOfStream;
        }

        var size = HeaderSize + _segmentCount + _body.WrittenCount;
        var page = new byte[size];
        "OggS"u8.CopyTo(page);
        page[4] = 0; // stream_structure_version
        page[5] = (byte)flags;
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), _granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), SerialNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), _sequence++);
        page[26] = (byte)_segmentCount;
        _segments.AsSpan(0, _segmentCount).CopyTo(page.AsSpan(HeaderSize));
        _body.WrittenSpan.CopyTo(page.AsSpan(HeaderSize + _segmentCount));
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page)); // CRC field is still 0
        _output.Write(page);

        _segmentCount = 0;
        _packetCount = 0;
        _body.ResetWrittenCount();
    }
}
