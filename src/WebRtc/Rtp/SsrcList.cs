using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtp;

/// <summary>
/// A list of 32-bit source identifiers (RTP CSRCs, RTCP BYE sources). After a parse it is a view over the
/// big-endian wire bytes (no copy); when building it wraps caller-owned values. Either way it never allocates.
/// </summary>
internal readonly ref struct SsrcList
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly ReadOnlySpan<uint> _values;
    private readonly bool _isWire;

    /// <summary>Wraps identifiers supplied by the caller (for writing).</summary>
    public SsrcList(ReadOnlySpan<uint> values)
    {
        _values = values;
        _isWire = false;
    }

    private SsrcList(ReadOnlySpan<byte> wire, bool isWire)
    {
        _wire = wire;
        _isWire = isWire;
    }

    /// <summary>Number of identifiers.</summary>
    public int Count => _isWire ? _wire.Length / 4 : _values.Length;

    /// <summary>Size of the list on the wire, in bytes.</summary>
    public int Length => Count * 4;

    /// <summary>The identifier at <paramref name="index"/>.</summary>
    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _isWire ? BinaryPrimitives.ReadUInt32BigEndian(_wire.Slice(index * 4, 4)) : _values[index];
        }
    }

    /// <summary>Views big-endian wire bytes; the length must be a multiple of 4.</summary>
    public static SsrcList FromWire(ReadOnlySpan<byte> wire)
    {
        if (wire.Length % 4 != 0)
        {
            throw new ArgumentException("An SSRC list is a whole number of 32-bit words.", nameof(wire));
        }

        return new SsrcList(wire, isWire: true);
    }

    /// <summary>Writes the identifiers big-endian.</summary>
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
            for (var i = 0; i < _values.Length; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * 4, 4), _values[i]);
            }
        }

        written = Length;
        return true;
    }

    /// <summary>True when both lists hold the same identifiers in the same order.</summary>
    public bool SequenceEqual(SsrcList other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Enumerates the identifiers without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Allocation-free enumerator over an <see cref="SsrcList"/>.</summary>
    public ref struct Enumerator
    {
        private readonly SsrcList _list;
        private int _index;

        internal Enumerator(SsrcList list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>The current identifier.</summary>
        public readonly uint Current => _list[_index];

        /// <summary>Advances to the next identifier.</summary>
        public bool MoveNext() => ++_index < _list.Count;
    }
}
