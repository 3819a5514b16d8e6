namespace Serverless.Functions.Http;

/// <summary>
/// Stable RFC 9457 <c>type</c> URIs, one per cause, so clients branch on the type and never on the title text.
/// </summary>
public static class ProblemTypes
{
    public const string BaseUri = "https://errors.serverless-calling.dev/";

    public const string InvalidJson = BaseUri + "invalid-json";
    public const string ValidationFailed = BaseUri + "validation-failed";
    public const string InvalidAudioPlan = BaseUri + "invalid-audio-plan";
    public const string InvalidPhoneNumber = BaseUri + "invalid-phone-number";
    public const string UnknownPhoneNumberId = BaseUri + "unknown-phone-number-id";
    public const string InvalidQuery = BaseUri + "invalid-query";
    public const string CallNotFound = BaseUri + "call-not-found";
    public const string PayloadTooLarge = BaseUri + "payload-too-large";
    public const string MediaUnavailable = BaseUri + "media-unavailable";
    public const string NoMediaCapacity = BaseUri + "no-media-capacity";
    public const string StorageUnavailable = BaseUri + "storage-unavailable";
    public const string NoCallPermission = BaseUri + "no-call-permission";
    public const string CallbackUrlRefused = BaseUri + "callback-url-refused";

    /// <summary>429: new calls come faster than <c>Calls:MaxNewCallsPerSecond</c> allows (app-wide); see <c>Retry-After</c>.</summary>
    public const string CallRateLimited = BaseUri + "call-rate-limited";

    public const string PermissionLookupRateLimited = BaseUri + "permission-lookup-rate-limited";
    public const string DialNotFound = BaseUri + "dial-not-found";
    public const string RecordingNotFound = BaseUri + "recording-not-found";
    public const string DialFinished = BaseUri + "dial-finished";
    public const string CallNotConnected = BaseUri + "call-not-connected";
    public const string IdempotencyKeyReused = BaseUri + "idempotency-key-reused";
    public const string MediaNodeMismatch = BaseUri + "media-node-mismatch";
    public const string NotCallOwner = BaseUri + "not-call-owner";
    public const string UserHasLiveCall = BaseUri + "user-has-live-call";
    public const string MediaEventUnhandled = BaseUri + "media-event-unhandled";
    public const string SubscriptionNotFound = BaseUri + "subscription-not-found";
    public const string SubscriptionLimitReached = BaseUri + "subscription-limit-reached";
    public const string BackfillNotFound = BaseUri + "backfill-not-found";
}
