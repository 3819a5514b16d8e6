using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtp;

/// <summary>
/// One RFC 4733 named telephone event (payload format <c>telephone-event</c>), 4 bytes on the wire (§2.3):
/// event (8 bits), E (end) bit, R (reserved) bit, volume (6 bits), duration (16 bits, timestamp units).
/// </summary>
internal readonly record struct TelephoneEvent
{
    /// <summary>Size of one event on the wire.</summary>
    public const int Length = 4;

    /// <summary>Volume is 6 bits: 0 to -63 dBm0, carried as 0-63 (RFC 4733 §2.3.4).</summary>
    public const byte MaxVolume = 63;

    /// <summary>Highest DTMF event code: 0-9, * (10), # (11), A-D (12-15) (RFC 4733 §3.2).</summary>
    public const byte MaxDtmfEvent = 15;

    private const string DtmfCharacters = "0123456789*#ABCD";

    private readonly byte _volume;

    /// <summary>Event code; 0-15 are DTMF digits.</summary>
    public byte EventCode { get; init; }

    /// <summary>E bit: this packet ends the event (RFC 4733 §2.3.2).</summary>
    public bool IsEnd { get; init; }

    /// <summary>Power level as a positive number of -dBm0 (0 = loudest).</summary>
    public byte Volume
    {
        get => _volume;
        init => _volume = value <= MaxVolume
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Volume is a 6-bit field (0-63).");
    }

    /// <summary>Duration so far, in RTP timestamp units (8000 Hz for telephone-event/8000).</summary>
    public ushort Duration { get; init; }

    /// <summary>True when <see cref="EventCode"/> is a DTMF digit.</summary>
    public bool IsDtmf => EventCode <= MaxDtmfEvent;

    /// <summary>
    /// Parses the first event of a payload; false when fewer than 4 bytes. The R bit is ignored on receipt
    /// (RFC 4733 §2.3.3). Use <see cref="TelephoneEventReader"/> for payloads with several events.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out TelephoneEvent telephoneEvent)
    {
        if (payload.Length < Length)
        {
            telephoneEvent = default;
            return false;
        }

        telephoneEvent = new TelephoneEvent
        {
            EventCode = payload[0],
            IsEnd = (payload[1] & 0x80) != 0,
            Volume = (byte)(payload[1] & 0x3F),
            Duration = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]),
        };
        return true;
    }

    /// <summary>Writes the event (R bit zero, as a sender must); false when fewer than 4 bytes of room.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Length)
        {
            return false;
        }

        destination[0] = EventCode;
        destination[1] = (byte)((IsEnd ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        written = Length;
        return true;
    }

    /// <summary>Maps a DTMF character (0-9, *, #, A-D, case-insensitive) to its event code.</summary>
    public static bool TryGetEventCode(char dtmf, out byte eventCode)
    {
        var index = DtmfCharacters.IndexOf(char.ToUpperInvariant(dtmf), StringComparison.Ordinal);
        eventCode = index < 0 ? (byte)0 : (byte)index;
        return index >= 0;
    }

    /// <summary>Maps a DTMF event code (0-15) to its character.</summary>
    public static bool TryGetDtmfCharacter(byte eventCode, out char dtmf)
    {
        dtmf = eventCode <= MaxDtmfEvent ? DtmfCharacters[eventCode] : '\0';
        return eventCode <= MaxDtmfEvent;
    }
}
