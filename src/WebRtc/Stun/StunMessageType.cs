namespace Serverless.WebRtc.Stun;

/// <summary>
/// STUN message type: a 12-bit method interleaved with a 2-bit class (RFC 8489 §5, Figure 3).
/// </summary>
internal readonly record struct StunMessageType
{
    /// <summary>Largest method value that fits the 12 method bits.</summary>
    public const ushort MaxMethod = 0x0FFF;

    /// <summary>Creates a message type; <paramref name="method"/> must fit in 12 bits.</summary>
    public StunMessageType(StunMethod method, StunMessageClass messageClass)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((ushort)method, MaxMethod, nameof(method));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((byte)messageClass, (byte)StunMessageClass.ErrorResponse, nameof(messageClass));
        Method = method;
        Class = messageClass;
    }

    /// <summary>The method (M0..M11).</summary>
    public StunMethod Method { get; }

    /// <summary>The class (C0, C1).</summary>
    public StunMessageClass Class { get; }

    /// <summary>Binding request, 0x0001.</summary>
    public static StunMessageType BindingRequest => new(StunMethod.Binding, StunMessageClass.Request);

    /// <summary>Binding indication, 0x0011 (ICE keepalives, RFC 8445 §11).</summary>
    public static StunMessageType BindingIndication => new(StunMethod.Binding, StunMessageClass.Indication);

    /// <summary>Binding success response, 0x0101.</summary>
    public static StunMessageType BindingSuccessResponse => new(StunMethod.Binding, StunMessageClass.SuccessResponse);

    /// <summary>Binding error response, 0x0111.</summary>
    public static StunMessageType BindingErrorResponse => new(StunMethod.Binding, StunMessageClass.ErrorResponse);

    /// <summary>
    /// Encodes to the 14 significant bits of the header's first 16-bit word: bits
    /// M11..M7, C1, M6..M4, C0, M3..M0 (the two most significant bits stay zero).
    /// </summary>
    public ushort ToUInt16()
    {
        int m = (ushort)Method;
        int c = (byte)Class;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2)
            | ((c & 0b01) << 4) | ((c & 0b10) << 7));
    }

    /// <summary>Decodes the first header word; the two leading bits must be zero (RFC 8489 §6).</summary>
    public static bool TryFromUInt16(ushort value, out StunMessageType type)
    {
        if ((value & 0xC000) != 0)
        {
            type = default;
            return false;
        }

        int method = (value & 0x000F) | ((value >> 1) & 0x0070) | ((value >> 2) & 0x0F80);
        int c = ((value >> 4) & 0b01) | ((value >> 7) & 0b10);
        type = new StunMessageType((StunMethod)method, (StunMessageClass)c);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Method} {Class} (0x{ToUInt16():x4})";
}
