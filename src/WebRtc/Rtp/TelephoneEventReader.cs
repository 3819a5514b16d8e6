namespace Serverless.WebRtc.Rtp;

/// <summary>
/// Reads every 4-byte event of a telephone-event payload in order. A payload whose length is not a
/// multiple of 4 is malformed: reading stops before the partial event and <see cref="IsMalformed"/> is set.
/// </summary>
internal ref struct TelephoneEventReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _offset;
    private TelephoneEvent _current;

    /// <summary>Reads the events of <paramref name="payload"/>.</summary>
    public TelephoneEventReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        IsMalformed = payload.Length % TelephoneEvent.Length != 0 || payload.IsEmpty;
    }

    /// <summary>True when the payload is empty or not a whole number of events.</summary>
    public bool IsMalformed { get; }

    /// <summary>The event found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly TelephoneEvent Current => _current;

    /// <summary>Returns this reader so it can be used in <c>foreach</c>.</summary>
    public readonly TelephoneEventReader GetEnumerator() => this;

    /// <summary>Advances to the next event.</summary>
    public bool MoveNext()
    {
        if (!TelephoneEvent.TryParse(_payload[_offset..], out _current))
        {
            return false;
        }

        _offset += TelephoneEvent.Length;
        return true;
    }
}
