namespace Serverless.WebRtc.Rtp;

/// <summary>
/// Allocation-free reader of RFC 8285 header extension elements (one-byte and two-byte forms). Use
/// <see cref="TryReadNext"/> in a loop, after which <see cref="Status"/> says why it stopped; <c>foreach</c>
/// works too but enumerates a copy, so the original's <see cref="Status"/> stays <see cref="RtpExtensionReadStatus.Reading"/>.
/// Padding bytes (value 0) between and after elements are skipped (RFC 8285 §4.1).
/// </summary>
internal ref struct RtpExtensionReader
{
    /// <summary>One-byte id that ends processing of the whole extension (RFC 8285 §4.2).</summary>
    public const byte OneByteTerminatorId = 15;

    private readonly ReadOnlySpan<byte> _data;
    private readonly RtpExtensionForm _form;
    private int _offset;
    private RtpExtensionElement _current;

    /// <summary>Reads the elements of extension data carried under <paramref name="profile"/>.</summary>
    public RtpExtensionReader(ushort profile, ReadOnlySpan<byte> data)
    {
        _data = data;
        Status = RtpExtensionProfiles.TryGetForm(profile, out _form)
            ? RtpExtensionReadStatus.Reading
            : RtpExtensionReadStatus.UnsupportedProfile;
    }

    /// <summary>Reads the elements of a parsed header's extension (none when the X bit is clear).</summary>
    public RtpExtensionReader(RtpHeader header)
        : this(header.HasExtension ? header.ExtensionProfile : RtpExtensionProfiles.OneByte, header.ExtensionData)
    {
    }

    /// <summary>Why reading stopped, or <see cref="RtpExtensionReadStatus.Reading"/> while it has not.</summary>
    public RtpExtensionReadStatus Status { get; private set; }

    /// <summary>The element found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly RtpExtensionElement Current => _current;

    /// <summary>Returns this reader so it can be used in <c>foreach</c>.</summary>
    public readonly RtpExtensionReader GetEnumerator() => this;

    /// <summary>Advances to the next element.</summary>
    public bool MoveNext() => TryReadNext(out _current);

    /// <summary>Reads the next element; false when there is none (see <see cref="Status"/>).</summary>
    public bool TryReadNext(out RtpExtensionElement element)
    {
        element = default;
        if (Status != RtpExtensionReadStatus.Reading)
        {
            return false;
        }

        while (_offset < _data.Length && IsPadding(_data[_offset]))
        {
            _offset++;
        }

        if (_offset >= _data.Length)
        {
            Status = RtpExtensionReadStatus.Complete;
            return false;
        }

        byte id;
        int length;
        int dataStart;
        if (_form == RtpExtensionForm.OneByte)
        {
            id = (byte)(_data[_offset] >> 4);
            if (id == OneByteTerminatorId)
            {
                Status = RtpExtensionReadStatus.Terminated;
                return false;
            }

            length = (_data[_offset] & 0x0F) + 1;
            dataStart = _offset + 1;
        }
        else
        {
            if (_offset + 2 > _data.Length)
            {
                Status = RtpExtensionReadStatus.Malformed;
                return false;
            }

            id = _data[_offset];
            length = _data[_offset + 1];
            dataStart = _offset + 2;
        }

        if (dataStart + length > _data.Length)
        {
            Status = RtpExtensionReadStatus.Malformed;
            return false;
        }

        element = new RtpExtensionElement(id, _data.Slice(dataStart, length));
        _offset = dataStart + length;
        return true;
    }

    // Padding bytes are 0 (RFC 8285 §4.1). A one-byte header with id 0 but a non-zero length is no valid element
    // either; like libwebrtc we skip it as a single padding byte rather than reject the whole block.
    private readonly bool IsPadding(byte value) => _form == RtpExtensionForm.OneByte ? value >> 4 == 0 : value == 0;

    /// <summary>Finds the first element with <paramref name="id"/> in a header's extension.</summary>
    public static bool TryFind(RtpHeader header, byte id, out ReadOnlySpan<byte> data)
    {
        var reader = new RtpExtensionReader(header);
        while (reader.TryReadNext(out var element))
        {
            if (element.Id == id)
            {
                data = element.Data;
                return true;
            }
        }

        data = default;
        return false;
    }
}
