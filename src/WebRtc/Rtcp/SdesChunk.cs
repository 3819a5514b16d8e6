namespace Serverless.WebRtc.Rtcp;

/// <summary>One SDES chunk: an SSRC/CSRC and its items (RFC 3550 §6.5). Items are read lazily from the packet.</summary>
internal readonly ref struct SdesChunk
{
    private readonly ReadOnlySpan<byte> _items;

    internal SdesChunk(uint ssrc, ReadOnlySpan<byte> items)
    {
        Ssrc = ssrc;
        _items = items;
    }

    /// <summary>The source the items describe.</summary>
    public uint Ssrc { get; }

    /// <summary>Enumerates the items (already validated when the packet was parsed).</summary>
    public ItemEnumerator GetEnumerator() => new(_items);

    /// <summary>Finds the first item of <paramref name="type"/>.</summary>
    public bool TryGetItem(SdesItemType type, out ReadOnlySpan<byte> text)
    {
        foreach (var item in this)
        {
            if (item.Type == type)
            {
                text = item.Text;
                return true;
            }
        }

        text = default;
        return false;
    }

    /// <summary>Allocation-free enumerator over the items of a chunk.</summary>
    public ref struct ItemEnumerator
    {
        private readonly ReadOnlySpan<byte> _items;
        private int _offset;

        internal ItemEnumerator(ReadOnlySpan<byte> items)
        {
            _items = items;
        }

        /// <summary>The current item.</summary>
        public SdesItem Current { get; private set; }

        /// <summary>Advances to the next item; the END item stops enumeration.</summary>
        public bool MoveNext()
        {
            if (_offset + 2 > _items.Length || _items[_offset] == (byte)SdesItemType.End)
            {
                return false;
            }

            var length = _items[_offset + 1];
            Current = new SdesItem((SdesItemType)_items[_offset], _items.Slice(_offset + 2, length));
            _offset += 2 + length;
            return true;
        }
    }
}
