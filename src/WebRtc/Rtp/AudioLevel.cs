namespace Serverless.WebRtc.Rtp;

/// <summary>
/// The client-to-mixer audio level header extension (RFC 6464 §3): a voice-activity flag and the level of
/// the packet's audio in -dBov (0 = loudest, 127 = silence). One byte of element data in either RFC 8285 form.
/// </summary>
internal readonly record struct AudioLevel
{
    /// <summary>The URI negotiated in <c>a=extmap</c> for this extension.</summary>
    public const string ExtensionUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>Size of the element data.</summary>
    public const int Length = 1;

    /// <summary>Quietest level, 127 -dBov (digital silence).</summary>
    public const byte Silence = 127;

    private readonly byte _level;

    /// <summary>V flag: the sender's voice activity detector judged the packet to contain speech.</summary>
    public bool VoiceActivity { get; init; }

    /// <summary>Level in -dBov, 0-127.</summary>
    public byte Level
    {
        get => _level;
        init => _level = value <= Silence
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The level is 7 bits (0-127 -dBov).");
    }

    /// <summary>Parses element data; false unless it is exactly one byte.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AudioLevel audioLevel)
    {
        if (data.Length != Length)
        {
            audioLevel = default;
            return false;
        }

        audioLevel = new AudioLevel { VoiceActivity = (data[0] & 0x80) != 0, Level = (byte)(data[0] & 0x7F) };
        return true;
    }

    /// <summary>Writes the element data byte.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Length)
        {
            return false;
        }

        destination[0] = (byte)((VoiceActivity ? 0x80 : 0) | Level);
        written = Length;
        return true;
    }
}
