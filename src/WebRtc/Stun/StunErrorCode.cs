namespace Serverless.WebRtc.Stun;

/// <summary>
/// STUN error codes (class * 100 + number) for the ERROR-CODE attribute (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
/// Codes not listed are carried as raw values in the range 300-699.
/// </summary>
public enum StunErrorCode : ushort
{
    /// <summary>300 Try Alternate.</summary>
    TryAlternate = 300,

    /// <summary>400 Bad Request: malformed request.</summary>
    BadRequest = 400,

    /// <summary>401 Unauthenticated: missing or wrong MESSAGE-INTEGRITY, unknown USERNAME (RFC 8489 §9.1.3).</summary>
    Unauthenticated = 401,

    /// <summary>420 Unknown Attribute: a comprehension-required attribute was not understood.</summary>
    UnknownAttribute = 420,

    /// <summary>438 Stale Nonce.</summary>
    StaleNonce = 438,

    /// <summary>487 Role Conflict: both ICE agents claim the same role (RFC 8445 §7.3.1.1).</summary>
    RoleConflict = 487,

    /// <summary>500 Server Error.</summary>
    ServerError = 500,
}

/// <summary>Helpers for <see cref="StunErrorCode"/>.</summary>
internal static class StunErrorCodeExtensions
{
    /// <summary>The smallest code ERROR-CODE can carry: class 3 (RFC 8489 §14.8).</summary>
    public const int MinCode = 300;

    /// <summary>The largest code ERROR-CODE can carry: class 6, number 99.</summary>
    public const int MaxCode = 699;

    /// <summary>The hundreds digit carried in the 3-bit Class field.</summary>
    public static int ErrorClass(this StunErrorCode code) => (int)code / 100;

    /// <summary>The last two digits carried in the 8-bit Number field.</summary>
    public static int ErrorNumber(this StunErrorCode code) => (int)code % 100;

    /// <summary>True when the value is encodable in ERROR-CODE (300-699).</summary>
    public static bool IsEncodable(this StunErrorCode code) => (int)code is >= MinCode and <= MaxCode;

    /// <summary>The RFC's recommended reason phrase, used when the caller gives none.</summary>
    public static string DefaultReason(this StunErrorCode code) => code switch
    {
        StunErrorCode.TryAlternate => "Try Alternate",
        StunErrorCode.BadRequest => "Bad Request",
        StunErrorCode.Unauthenticated => "Unauthenticated",
        StunErrorCode.UnknownAttribute => "Unknown Attribute",
        StunErrorCode.StaleNonce => "Stale Nonce",
        StunErrorCode.RoleConflict => "Role Conflict",
        StunErrorCode.ServerError => "Server Error",
        _ => string.Empty,
    };
}
