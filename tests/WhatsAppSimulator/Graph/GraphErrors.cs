using System.Net;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>
/// The errors the simulator returns, with Meta's codes and HTTP statuses (meta-calling-api.md §1e).
/// Message texts follow Graph's "(#code) Title" convention; tests should assert codes, not prose.
/// </summary>
public static class GraphErrors
{
    /// <summary>Graph's type for WhatsApp parameter and permission errors.</summary>
    public const string OAuthException = "OAuthException";

    /// <summary>Graph's type for a path naming an object that cannot be used.</summary>
    public const string GraphMethodException = "GraphMethodException";

    /// <summary>Meta's subcode for SDP with a non-SHA-256 fingerprint.</summary>
    public const int FingerprintNotSha256Subcode = 2494010;

    /// <summary>Graph's subcode for "object does not exist / cannot be loaded".</summary>
    public const int UnknownObjectSubcode = 33;

    /// <summary>Verbatim detail Meta gives when accept's SDP differs from pre_accept's (§1c).</summary>
    public const string AcceptSdpMismatchDetails =
        "SDP answer provided in accept does not match the SDP answer given in the Pre-Accept endpoint for the same call-id";

    /// <summary>Missing or wrong bearer token: code 190, HTTP 401.</summary>
    public static GraphError InvalidAccessToken() =>
        new(HttpStatusCode.Unauthorized, "Invalid OAuth access token - Cannot parse access token", OAuthException, 190);

    /// <summary>A phone number id the simulator does not serve: code 100, subcode 33.</summary>
    public static GraphError UnknownObject(string method, string id) =>
        new(
            HttpStatusCode.BadRequest,
            $"Unsupported {method.ToLowerInvariant()} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            GraphMethodException,
            100,
            UnknownObjectSubcode);

    /// <summary>A Graph version segment that is not <c>v&lt;major&gt;.&lt;minor&gt;</c>.</summary>
    public static GraphError UnknownPath(string path) =>
        new(HttpStatusCode.BadRequest, $"Unknown path components: {path}", OAuthException, 2500);

    /// <summary>A required parameter is absent.</summary>
    public static GraphError MissingParameter(string name) =>
        new(HttpStatusCode.BadRequest, $"(#100) The parameter {name} is required", OAuthException, 100);

    /// <summary>A parameter outside its allowed set.</summary>
    public static GraphError ParameterNotOneOf(string name, string allowed, string got) =>
        new(HttpStatusCode.BadRequest, $"(#100) Param {name} must be one of {{{allowed}}} - got \"{got}\".", OAuthException, 100);

    /// <summary>Generic invalid parameter with a detail, as Meta reports SDP and call-state problems.</summary>
    public static GraphError InvalidParameter(string details, int? subcode = null) =>
        new(HttpStatusCode.BadRequest, "(#100) Invalid parameter", OAuthException, 100, subcode, details);

    /// <summary>SDP carrying a fingerprint other than sha-256 (code 100, subcode 2494010).</summary>
    public static GraphError FingerprintNotSha256() =>
        InvalidParameter("Fingerprint algo is not SHA256", FingerprintNotSha256Subcode);

    /// <summary>accept with an SDP differing from the pre_accept SDP.</summary>
    public static GraphError AcceptSdpMismatch() => InvalidParameter(AcceptSdpMismatchDetails);

    /// <summary>A call id the simulator never issued.</summary>
    public static GraphError UnknownCall(string callId) => InvalidParameter($"Call with id {callId} was not found");

    /// <summary>A call that exists but cannot take the action now (ended, wrong direction).</summary>
    public static GraphError CallNotInState(string callId, string action) =>
        InvalidParameter($"Action {action} is not allowed for call {callId} in its current state");

    /// <summary>138006: no approved call permission from the user (HTTP 401).</summary>
    public static GraphError NoCallPermission() =>
        new(HttpStatusCode.Unauthorized, "(#138006) No approved call permission found", OAuthException, 138006, null,
            "No approved call permission from the recipient");

    /// <summary>138003: a call with this user is already ongoing.</summary>
    public static GraphError DuplicateCall() =>
        new(HttpStatusCode.BadRequest, "(#138003) Duplicate call", OAuthException, 138003, null,
            "There is already an ongoing call with this receiver");

    /// <summary>138000: calling is disabled in the number's settings (HTTP 401).</summary>
    public static GraphError CallingNotEnabled() =>
        new(HttpStatusCode.Unauthorized, "(#138000) Calling not enabled", OAuthException, 138000, null,
            "Calling is not enabled for this phone number");

    /// <summary>138012: connected business-initiated calls per 24 h exhausted.</summary>
    public static GraphError BusinessInitiatedCallsLimit(long nextAllowedUnix) =>
        new(HttpStatusCode.BadRequest, "(#138012) Business Initiated Calls Limit Hit", OAuthException, 138012, null,
            $"Business initiated calls limit reached; next call allowed at {nextAllowedUnix}");

    /// <summary>138009: call permission request limit (1 per 24 h, 2 per 7 days).</summary>
    public static GraphError PermissionRequestLimit() =>
        new(HttpStatusCode.BadRequest, "(#138009) Call Permission Request Limit Hit", OAuthException, 138009, null,
            "Call permission request limit reached for this user");

    /// <summary>138017: the user already granted permanent permission.</summary>
    public static GraphError PermanentPermissionExists() =>
        new(HttpStatusCode.BadRequest, "(#138017) Permission request not sent", OAuthException, 138017, null,
            "The user has already granted permanent call permission");

    /// <summary>613: more than 5 call_permissions reads per second (HTTP 429).</summary>
    public static GraphError CallPermissionsRateLimit() =>
        new(HttpStatusCode.TooManyRequests, "(#613) Fetch Call Permission API Limit Hit", OAuthException, 613, null,
            "Calls to call_permissions have exceeded the rate limit");

    /// <summary>Graph outage: code 2 "Service temporarily unavailable", HTTP 503, transient.</summary>
    public static GraphError ServiceUnavailable() =>
        new(HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable", OAuthException, 2) { IsTransient = true };

    /// <summary>Cloud API throughput limit: code 130429 "Rate limit hit", HTTP 429, transient.</summary>
    public static GraphError RateLimitHit() =>
        new(HttpStatusCode.TooManyRequests, "(#130429) Rate limit hit", OAuthException, 130429, null,
            "Cloud API message throughput has been reached") { IsTransient = true };

    /// <summary>Body that is not a JSON object.</summary>
    public static GraphError MalformedBody() => InvalidParameter("Request body must be a JSON object");
}
