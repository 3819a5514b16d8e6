namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// What a Meta error code means for us (meta-calling-api.md §1e, Meta's calling troubleshooting table,
/// plus the general Graph codes a calling client meets). The numeric value is Meta's code.
/// </summary>
public enum WhatsAppErrorKind
{
    /// <summary>No code, a code we do not know, or a body that was not Meta's error JSON.</summary>
    Unknown = 0,

    /// <summary>4: application-level Graph request limit.</summary>
    ApplicationRateLimit = 4,

    /// <summary>100: invalid parameter, including SDP validation (details in <c>error_data</c>).</summary>
    InvalidParameter = 100,

    /// <summary>190: the access token is invalid or expired.</summary>
    AccessTokenInvalid = 190,

    /// <summary>613: call_permissions API limit hit (5 requests/s).</summary>
    PermissionApiRateLimit = 613,

    /// <summary>80007: WhatsApp Business Account rate limit.</summary>
    AccountRateLimit = 80007,

    /// <summary>130429: Cloud API throughput limit.</summary>
    ThroughputRateLimit = 130429,

    /// <summary>131009: interactive <c>voice_call</c> not supported in the sender's country.</summary>
    InteractiveNotSupported = 131009,

    /// <summary>131030: recipient not in the allowed list (public test numbers).</summary>
    RecipientNotAllowed = 131030,

    /// <summary>131044: no valid payment method.</summary>
    NoPaymentMethod = 131044,

    /// <summary>131055: Graph calling used on a SIP-enabled number.</summary>
    MethodNotAllowedSip = 131055,

    /// <summary>131056: too many messages to the same user.</summary>
    PairRateLimit = 131056,

    /// <summary>138000: calling is not enabled on the number.</summary>
    CallingNotEnabled = 138000,

    /// <summary>138001: receiver cannot be called (not on WhatsApp, unsupported client…).</summary>
    ReceiverUncallable = 138001,

    /// <summary>138002: concurrent calls limit (1000 per number).</summary>
    ConcurrentCallsLimit = 138002,

    /// <summary>138003: a call with this user is already ongoing.</summary>
    DuplicateCall = 138003,

    /// <summary>138004: connection error at Meta.</summary>
    ConnectionError = 138004,

    /// <summary>138005: call rate limit exceeded.</summary>
    CallRateLimit = 138005,

    /// <summary>138006: no approved call permission from the user.</summary>
    NoCallPermission = 138006,

    /// <summary>138007: the business did not apply the offer/answer in time.</summary>
    ConnectTimeout = 138007,

    /// <summary>138009: call permission request limit hit.</summary>
    PermissionRequestLimit = 138009,

    /// <summary>138012: business-initiated calls limit per user per 24 h hit.</summary>
    BusinessInitiatedCallsLimit = 138012,

    /// <summary>138013: business-initiated calling not available in the business's country.</summary>
    CountryNotAvailable = 138013,

    /// <summary>138014: calling temporarily disabled (low quality).</summary>
    CallingTemporarilyDisabled = 138014,

    /// <summary>138015: calling cannot be enabled (messaging limit below 2000).</summary>
    CallingCannotBeEnabled = 138015,

    /// <summary>138017: permission request not sent; permanent permission already exists.</summary>
    PermanentPermissionExists = 138017,

    /// <summary>138018: technical prerequisites not met (no <c>calls</c> webhook subscription, or SIP).</summary>
    TechnicalPrerequisites = 138018,

    /// <summary>138019: call setup failed.</summary>
    CallSetupFailed = 138019,

    /// <summary>138020: relay connection failed.</summary>
    RelayConnectionFailed = 138020,

    /// <summary>138021: no media received in time.</summary>
    MediaReceiveTimeout = 138021,

    /// <summary>138022: no media sent in time.</summary>
    MediaTransmitTimeout = 138022,

    /// <summary>138023: accepted, but no media signals.</summary>
    NoMediaAfterAccept = 138023,
}

/// <summary>Maps Meta's numeric codes to <see cref="WhatsAppErrorKind"/>.</summary>
public static class WhatsAppErrorKinds
{
    /// <summary>The kind for a code; <see cref="WhatsAppErrorKind.Unknown"/> for null or unlisted codes.</summary>
    public static WhatsAppErrorKind FromCode(int? code) =>
        code is { } value && value != 0 && Enum.IsDefined((WhatsAppErrorKind)value)
            ? (WhatsAppErrorKind)value
            : WhatsAppErrorKind.Unknown;

    /// <summary>Kinds that say "slow down" rather than "this will never work".</summary>
    public static bool IsRateLimit(this WhatsAppErrorKind kind) => kind is
        WhatsAppErrorKind.ApplicationRateLimit or WhatsAppErrorKind.PermissionApiRateLimit
        or WhatsAppErrorKind.AccountRateLimit or WhatsAppErrorKind.ThroughputRateLimit
        or WhatsAppErrorKind.PairRateLimit or WhatsAppErrorKind.ConcurrentCallsLimit
        or WhatsAppErrorKind.CallRateLimit;
}
