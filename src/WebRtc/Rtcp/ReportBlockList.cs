namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// The report blocks of an SR or RR: a view over the wire bytes after a parse, or caller-owned blocks when
/// building. Never allocates.
/// </summary>
internal readonly ref struct ReportBlockList
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly ReadOnlySpan<ReportBlock> _blocks;
    private readonly bool _isWire;

    /// <summary>Wraps blocks supplied by the caller (for writing).</summary>
    public ReportBlockList(ReadOnlySpan<ReportBlock> blocks)
    {
        _blocks = blocks;
    }

    private ReportBlockList(ReadOnlySpan<byte> wire)
    {
        _wire = wire;
        _isWire = true;
    }

    /// <summary>Number of blocks.</summary>
    public int Count => _isWire ? _wire.Length / ReportBlock.Size : _blocks.Length;

    /// <summary>Size on the wire in bytes.</summary>
    public int Length => Count * ReportBlock.Size;

    /// <summary>The block at <paramref name="index"/>.</summary>
    public ReportBlock this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            if (!_isWire)
            {
                return _blocks[index];
            }

            return ReportBlock.Read(_wire.Slice(index * ReportBlock.Size, ReportBlock.Size));
        }
    }

    /// <summary>Views wire bytes holding whole blocks.</summary>
    internal static ReportBlockList FromWire(ReadOnlySpan<byte> wire) => new(wire);

    /// <summary>Writes all blocks.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Length)
        {
            return false;
        }

        if (_isWire)
        {
            _wire.CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < _blocks.Length; i++)
            {
                _blocks[i].TryWrite(destination[(i * ReportBlock.Size)..], out _);
            }
        }

        written = Length;
        return true;
    }

    /// <summary>Enumerates the blocks without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Allocation-free enumerator over a <see cref="ReportBlockList"/>.</summary>
    public ref struct Enumerator
    {
        private readonly ReportBlockList _list;
        private int _index;

        internal Enumerator(ReportBlockList list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>The current block.</summary>
        public readonly ReportBlock Current => _list[_index];

        /// <summary>Advances to the next block.</summary>
        public bool MoveNext() => ++_index < _list.Count;
    }
}
