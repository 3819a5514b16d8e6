using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// Builds an SDES packet in place: <see cref="TryAddChunk"/>, then <see cref="TryAddItem"/> for its items,
/// repeated per source, then <see cref="TryFinish"/>, which terminates the last chunk and writes the header.
/// Invalid items throw; lack of room returns false.
/// </summary>
internal ref struct SourceDescriptionWriter
{
    /// <summary>Item text is at most 255 bytes (8-bit length).</summary>
    public const int MaxItemLength = 255;

    private readonly Span<byte> _destination;
    private int _offset;
    private int _chunkCount;
    private bool _chunkOpen;

    /// <summary>Starts an SDES packet at the start of <paramref name="destination"/>.</summary>
    public SourceDescriptionWriter(Span<byte> destination)
    {
        _destination = destination;
        _offset = RtcpHeader.Size;
    }

    /// <summary>Ends the current chunk (if any) and starts one for <paramref name="ssrc"/>.</summary>
    public bool TryAddChunk(uint ssrc)
    {
        if (_chunkCount == RtcpHeader.MaxCount)
        {
            throw new InvalidOperationException("At most 31 chunks fit the SC field.");
        }

        if (!TryCloseChunk() || _destination.Length - _offset < 4)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_destination[_offset..], ssrc);
        _offset += 4;
        _chunkCount++;
        _chunkOpen = true;
        return true;
    }

    /// <summary>Adds an item to the current chunk.</summary>
    public bool TryAddItem(SdesItemType type, ReadOnlySpan<byte> text)
    {
        if (!_chunkOpen)
        {
            throw new InvalidOperationException("Add a chunk before its items.");
        }

        if (type == SdesItemType.End)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "END terminates a chunk; it is not an item.");
        }

        if (text.Length > MaxItemLength)
        {
            throw new ArgumentOutOfRangeException(nameof(text), text.Length, "SDES item text is at most 255 bytes.");
        }

        if (_destination.Length - _offset < 2 + text.Length)
        {
            return false;
        }

        _destination[_offset] = (byte)type;
        _destination[_offset + 1] = (byte)text.Length;
        text.CopyTo(_destination[(_offset + 2)..]);
        _offset += 2 + text.Length;
        return true;
    }

    /// <summary>Terminates the last chunk and writes the header; <paramref name="written"/> is the packet length.</summary>
    public bool TryFinish(out int written)
    {
        written = 0;
        if (!TryCloseChunk())
        {
            return false;
        }

        RtcpHeader.ForLength(RtcpPacketType.SourceDescription, (byte)_chunkCount, _offset).TryWrite(_destination, out _);
        written = _offset;
        return true;
    }

    /// <summary>Writes a one-chunk SDES carrying only a CNAME, the minimum a compound packet needs (RFC 3550 §6.1).</summary>
    public static bool TryWriteCanonicalName(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname, out int written)
    {
        written = 0;
        var writer = new SourceDescriptionWriter(destination);
        return writer.TryAddChunk(ssrc)
            && writer.TryAddItem(SdesItemType.CanonicalName, cname)
            && writer.TryFinish(out written);
    }

    // The END octet, then null octets to the next 32-bit boundary (RFC 3550 §6.5).
    private bool TryCloseChunk()
    {
        if (!_chunkOpen)
        {
            return true;
        }

        var end = (_offset + 4) & ~3;
        if (_destination.Length < end)
        {
            return false;
        }

        _destination[_offset..end].Clear();
        _offset = end;
        _chunkOpen = false;
        return true;
    }
}
