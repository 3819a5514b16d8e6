namespace Serverless.WebRtc.Rtp;

/// <summary>
/// Builds an RFC 8285 extension block (the data after the 4-byte preamble) into a caller buffer.
/// Put <see cref="Profile"/> and the finished span into <see cref="RtpHeader.ExtensionProfile"/> and
/// <see cref="RtpHeader.ExtensionData"/>. Invalid ids or lengths throw; lack of room returns false.
/// </summary>
internal ref struct RtpExtensionWriter
{
    /// <summary>Largest one-byte id; 15 is reserved (RFC 8285 §4.2).</summary>
    public const byte MaxOneByteId = 14;

    /// <summary>One-byte elements carry 1 to 16 bytes (RFC 8285 §4.2).</summary>
    public const int MaxOneByteLength = 16;

    /// <summary>Two-byte elements carry 0 to 255 bytes (RFC 8285 §4.3).</summary>
    public const int MaxTwoByteLength = 255;

    private readonly Span<byte> _destination;
    private readonly RtpExtensionForm _form;
    private int _written;

    /// <summary>Starts an empty block of the given form.</summary>
    public RtpExtensionWriter(Span<byte> destination, RtpExtensionForm form)
    {
        _destination = destination;
        _form = form;
    }

    /// <summary>The value for <see cref="RtpHeader.ExtensionProfile"/> (two-byte appbits are 0).</summary>
    public readonly ushort Profile => _form == RtpExtensionForm.OneByte ? RtpExtensionProfiles.OneByte : RtpExtensionProfiles.TwoByte;

    /// <summary>Bytes written so far, before the final padding.</summary>
    public readonly int Written => _written;

    /// <summary>Appends one element; false when it does not fit.</summary>
    public bool TryAdd(byte id, ReadOnlySpan<byte> data)
    {
        int needed;
        if (_form == RtpExtensionForm.OneByte)
        {
            if (id is 0 or > MaxOneByteId)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, "One-byte ids are 1-14 (RFC 8285 §4.2).");
            }

            if (data.IsEmpty || data.Length > MaxOneByteLength)
            {
                throw new ArgumentOutOfRangeException(nameof(data), data.Length, "One-byte elements carry 1-16 bytes.");
            }

            needed = 1 + data.Length;
            if (_destination.Length - _written < needed)
            {
                return false;
            }

            _destination[_written] = (byte)((id << 4) | (data.Length - 1));
        }
        else
        {
            if (id == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, "Id 0 is padding (RFC 8285 §4.3).");
            }

            if (data.Length > MaxTwoByteLength)
            {
                throw new ArgumentOutOfRangeException(nameof(data), data.Length, "Two-byte elements carry 0-255 bytes.");
            }

            needed = 2 + data.Length;
            if (_destination.Length - _written < needed)
            {
                return false;
            }

            _destination[_written] = id;
            _destination[_written + 1] = (byte)data.Length;
        }

        data.CopyTo(_destination[(_written + needed - data.Length)..]);
        _written += needed;
        return true;
    }

    /// <summary>
    /// Pads with zero bytes to a 32-bit boundary (RFC 8285 §4.1) and returns the finished block;
    /// false when the padding does not fit.
    /// </summary>
    public bool TryFinish(out ReadOnlySpan<byte> extensionData)
    {
        extensionData = default;
        var padded = (_written + 3) & ~3;
        if (_destination.Length < padded)
        {
            return false;
        }

        _destination[_written..padded].Clear();
        _written = padded;
        extensionData = _destination[..padded];
        return true;
    }

    /// <summary>The form an element needs: one-byte when id and length allow it, otherwise two-byte.</summary>
    public static RtpExtensionForm RequiredForm(byte id, int length) =>
        id is >= 1 and <= MaxOneByteId && length is >= 1 and <= MaxOneByteLength
            ? RtpExtensionForm.OneByte
            : RtpExtensionForm.TwoByte;
}
