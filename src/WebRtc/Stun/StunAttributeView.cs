using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>One attribute of a parsed message: its type and unpadded value (RFC 8489 §14).</summary>
internal readonly ref struct StunAttributeView
{
    internal StunAttributeView(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The attribute type, possibly a value this implementation does not name.</summary>
    public StunAttributeType Type { get; }

    /// <summary>The value without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>Walks every attribute of an already validated message, in wire order.</summary>
internal ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunMessage.HeaderLength;
        Current = default;
    }

    /// <summary>The attribute at the current position.</summary>
    public StunAttributeView Current { get; private set; }

    /// <summary>Enables <c>foreach</c>.</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next attribute.</summary>
    public bool MoveNext()
    {
        if (_next + StunMessage.AttributeHeaderLength > _message.Length)
        {
            return false;
        }

        var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(_message[_next..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(_next + 2)..]);
        Current = new StunAttributeView(type, _message.Slice(_next + StunMessage.AttributeHeaderLength, length));
        _next += StunMessage.AttributeHeaderLength + StunMessage.Pad(length);
        return true;
    }
}
