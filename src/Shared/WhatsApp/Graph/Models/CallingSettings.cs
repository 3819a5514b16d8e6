namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// The <c>calling</c> object of <c>GET/POST /&lt;PHONE_NUMBER_ID&gt;/settings</c> (meta-calling-api.md §4).
/// Every member is optional; null members are not sent, so an update only touches what it sets
/// (but note Meta replaces <see cref="CallHours"/> as a whole, and omitting its holiday schedule deletes it).
/// </summary>
public sealed record CallingSettings
{
    /// <summary>Calling on or off (off by default at Meta).</summary>
    public FeatureStatus? Status { get; init; }

    /// <summary>Whether the call icon shows in the chat.</summary>
    public CallIconVisibility? CallIconVisibility { get; init; }

    /// <summary>Countries whose users see the call icon (2026 addition).</summary>
    public CallIcons? CallIcons { get; init; }

    /// <summary>Business hours for user-initiated calls.</summary>
    public CallHours? CallHours { get; init; }

    /// <summary>Whether users are prompted to allow calls back after calling the business.</summary>
    public FeatureStatus? CallbackPermissionStatus { get; init; }

    /// <summary>SIP signalling instead of Graph (disables the calls endpoints, error 131055).</summary>
    public SipSettings? Sip { get; init; }

    /// <summary>Restrictions Meta imposed (GET only).</summary>
    public CallingRestrictions? Restrictions { get; init; }
}

/// <summary><c>call_icons</c>.</summary>
public sealed record CallIcons
{
    /// <summary>ISO 3166 alpha-2 country codes.</summary>
    public IReadOnlyList<string>? RestrictToUserCountries { get; init; }
}

/// <summary><c>call_hours</c>.</summary>
public sealed record CallHours
{
    /// <summary>Whether the hours apply.</summary>
    public FeatureStatus? Status { get; init; }

    /// <summary>IANA time zone, e.g. <c>America/Manaus</c>.</summary>
    public string? TimezoneId { get; init; }

    /// <summary>At most two non-overlapping entries per day.</summary>
    public IReadOnlyList<WeeklyOperatingHours>? WeeklyOperatingHours { get; init; }

    /// <summary>At most 20 entries.</summary>
    public IReadOnlyList<HolidaySchedule>? HolidaySchedule { get; init; }
}

/// <summary><c>weekly_operating_hours[]</c>; times are <c>HHmm</c>.</summary>
public sealed record WeeklyOperatingHours(OperatingDay DayOfWeek, string OpenTime, string CloseTime);

/// <summary><c>holiday_schedule[]</c>; date <c>yyyy-MM-dd</c>, times <c>HHmm</c>.</summary>
public sealed record HolidaySchedule(string Date, string StartTime, string EndTime);

/// <summary><c>sip</c>.</summary>
public sealed record SipSettings
{
    /// <summary>SIP on or off (off by default).</summary>
    public FeatureStatus? Status { get; init; }

    /// <summary>One server per app.</summary>
    public IReadOnlyList<SipServer>? Servers { get; init; }
}

/// <summary><c>sip.servers[]</c>.</summary>
public sealed record SipServer
{
    /// <summary>The SIP server's host name.</summary>
    public string? Hostname { get; init; }

    /// <summary>TLS port, e.g. 5061.</summary>
    public int? Port { get; init; }

    /// <summary>Extra user parameters Meta puts on the request URI.</summary>
    public IReadOnlyDictionary<string, string>? RequestUriUserParams { get; init; }

    /// <summary>Only with <c>include_sip_credentials=true</c>; a secret, never log it.</summary>
    public string? SipUserPassword { get; init; }
}

/// <summary><c>restrictions</c>.</summary>
public sealed record CallingRestrictions
{
    /// <summary>Active restrictions.</summary>
    public IReadOnlyList<CallingRestriction>? RestrictionsList { get; init; }
}

/// <summary><c>restrictions_list[]</c>.</summary>
public sealed record CallingRestriction
{
    /// <summary>E.g. <c>RESTRICTED_BIZ_INITIATED_AND_USER_INITIATED_CALLING</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Meta's reason text.</summary>
    public string? Reason { get; init; }

    /// <summary>When the restriction ends.</summary>
    public DateTimeOffset? Expiration { get; init; }
}

/// <summary>Envelope of the settings endpoint: <c>{ "calling": { … } }</c>.</summary>
public sealed record PhoneNumberSettings
{
    /// <summary>The calling settings.</summary>
    public CallingSettings? Calling { get; init; }
}
