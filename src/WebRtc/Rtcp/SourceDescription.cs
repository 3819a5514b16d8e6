using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// SDES, source description (RFC 3550 §6.5): SC chunks, each an SSRC followed by items, ended by one or more
/// null octets up to the next 32-bit boundary. Parsing validates every chunk; write with
/// <see cref="SourceDescriptionWriter"/>.
/// </summary>
internal readonly ref struct SourceDescription
{
    private readonly ReadOnlySpan<byte> _chunks;

    private SourceDescription(int chunkCount, ReadOnlySpan<byte> chunks)
    {
        ChunkCount = chunkCount;
        _chunks = chunks;
    }

    /// <summary>Number of chunks (the SC field).</summary>
    public int ChunkCount { get; }

    /// <summary>Parses the SDES packet at the start of <paramref name="data"/>; false when any chunk is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SourceDescription description)
    {
        description = default;
        if (!RtcpPacket.TryParse(data, RtcpPacketType.SourceDescription, out var packet))
        {
            return false;
        }

        var body = packet.Body;
        var offset = 0;
        for (var i = 0; i < packet.Header.Count; i++)
        {
            if (!TryMeasureChunk(body[offset..], out var chunkLength))
            {
                return false;
            }

            offset += chunkLength;
        }

        description = new SourceDescription(packet.Header.Count, body[..offset]);
        return true;
    }

    /// <summary>Enumerates the chunks.</summary>
    public ChunkEnumerator GetEnumerator() => new(_chunks);

    /// <summary>Finds the CNAME of <paramref name="ssrc"/>.</summary>
    public bool TryGetCanonicalName(uint ssrc, out ReadOnlySpan<byte> cname)
    {
        foreach (var chunk in this)
        {
            if (chunk.Ssrc == ssrc && chunk.TryGetItem(SdesItemType.CanonicalName, out cname))
            {
                return true;
            }
        }

        cname = default;
        return false;
    }

    // A chunk: SSRC, items (type, length, text), then a null octet and nulls up to a 32-bit boundary.
    private static bool TryMeasureChunk(ReadOnlySpan<byte> data, out int chunkLength)
    {
        chunkLength = 0;
        var offset = 4;
        while (true)
        {
            if (offset >= data.Length)
            {
                return false;
            }

            if (data[offset] == (byte)SdesItemType.End)
            {
                break;
            }

            if (offset + 2 > data.Length || offset + 2 + data[offset + 1] > data.Length)
            {
                return false;
            }

            offset += 2 + data[offset + 1];
        }

        chunkLength = (offset + 4) & ~3; // the END octet plus padding to the next word
        return chunkLength <= data.Length;
    }

    /// <summary>Allocation-free enumerator over validated chunks.</summary>
    public ref struct ChunkEnumerator
    {
        private readonly ReadOnlySpan<byte> _chunks;
        private int _offset;

        internal ChunkEnumerator(ReadOnlySpan<byte> chunks)
        {
            _chunks = chunks;
        }

        /// <summary>The current chunk.</summary>
        public SdesChunk Current { get; private set; }

        /// <summary>Advances to the next chunk.</summary>
        public bool MoveNext()
        {
            if (_offset >= _chunks.Length || !TryMeasureChunk(_chunks[_offset..], out var length))
            {
                return false;
            }

            Current = new SdesChunk(
                BinaryPrimitives.ReadUInt32BigEndian(_chunks[_offset..]),
                _chunks.Slice(_offset + 4, length - 4));
            _offset += length;
            return true;
        }
    }
}
