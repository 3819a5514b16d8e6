namespace Serverless.WebRtc.Stun;

/// <summary>STUN message class, the two C bits of the message type (RFC 8489 §5).</summary>
public enum StunMessageClass : byte
{
    /// <summary>C1C0 = 0b00.</summary>
    Request = 0b00,

    /// <summary>C1C0 = 0b01.</summary>
    Indication = 0b01,

    /// <summary>C1C0 = 0b10.</summary>
    SuccessResponse = 0b10,

    /// <summary>C1C0 = 0b11.</summary>
    ErrorResponse = 0b11,
}
