using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Builds call events from one JSON object. The same readers serve Meta's <c>calls[]</c>/<c>statuses[]</c> items and
/// the seed guide's flat <c>value</c> (which holds the same field names at the top level).
/// </summary>
internal static class CallEventReader
{
    public static CallDirection Direction(JsonElement item) => JsonFields.String(item, "direction") switch
    {
        var d when JsonFields.Is(d, "USER_INITIATED") => CallDirection.UserInitiated,
        var d when JsonFields.Is(d, "BUSINESS_INITIATED") => CallDirection.BusinessInitiated,
        _ => CallDirection.Unknown,
    };

    public static void Connect(JsonElement item, string callId, string path, ChangeContext context, BatchBuilder batch)
    {
        var direction = Direction(item);
        if (!SessionReader.TryRead(item, direction, out var sdpType, out var sdp, out var problem))
        {
            batch.Skip(path, SkipReason.InvalidField, problem);
            return;
        }

        var from = JsonFields.String(item, "from");
        batch.Add(new CallConnect
        {
            WabaId = context.WabaId,
            PhoneNumberId = context.PhoneNumberId,
            DisplayPhoneNumber = context.DisplayPhoneNumber,
            Timestamp = JsonFields.UnixSeconds(item, "timestamp"),
            CallId = callId,
            From = from,
            To = JsonFields.String(item, "to"),
            Direction = direction,
            SdpType = sdpType,
            Sdp = sdp,
            BizOpaqueCallbackData = JsonFields.String(item, "biz_opaque_callback_data"),
            DeeplinkPayload = JsonFields.String(item, "deeplink_payload"),
            CtaPayload = JsonFields.String(item, "cta_payload"),
            CallerName = context.NameOf(from),
        });
    }

    public static void Terminate(
        JsonElement item, string callId, ChangeContext context, IReadOnlyList<WebhookErrorDetail> errors, BatchBuilder batch)
    {
        batch.Add(new CallTerminate
        {
            WabaId = context.WabaId,
            PhoneNumberId = context.PhoneNumberId,
            DisplayPhoneNumber = context.DisplayPhoneNumber,
            Timestamp = JsonFields.UnixSeconds(item, "timestamp"),
            CallId = callId,
            From = JsonFields.String(item, "from"),
            To = JsonFields.String(item, "to"),
            Direction = Direction(item),
            Status = TerminateStatus(JsonFields.String(item, "status")),
            StartTime = JsonFields.UnixSeconds(item, "start_time"),
            EndTime = JsonFields.UnixSeconds(item, "end_time"),
            Duration = JsonFields.Seconds(item, "duration"),
            BizOpaqueCallbackData = JsonFields.String(item, "biz_opaque_callback_data"),
            Reason = JsonFields.String(item, "reason"),
            Errors = errors,
        });
    }

    public static void Status(JsonElement item, string callId, string path, ChangeContext context, BatchBuilder batch)
    {
        if (JsonFields.NonEmptyString(item, "status") is not { } statusText)
        {
            batch.Skip(path, SkipReason.MissingField, "status is missing");
            return;
        }

        // Upper-cased so "ringing" and "RINGING" redeliveries share one dedup key.
        var normalized = statusText.Trim().ToUpperInvariant();
        batch.Add(new CallStatus
        {
            WabaId = context.WabaId,
            PhoneNumberId = context.PhoneNumberId,
            DisplayPhoneNumber = context.DisplayPhoneNumber,
            Timestamp = JsonFields.UnixSeconds(item, "timestamp"),
            CallId = callId,
            Status = StatusKind(normalized),
            StatusText = normalized,
            // Seed-guide statuses name the called user "from"; Meta's name it "recipient_id".
            RecipientId = JsonFields.String(item, "recipient_id") ?? JsonFields.String(item, "from"),
            BizOpaqueCallbackData = JsonFields.String(item, "biz_opaque_callback_data"),
        });
    }

    private static CallTerminateStatus TerminateStatus(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "COMPLETED" => CallTerminateStatus.Completed,
        "FAILED" => CallTerminateStatus.Failed,
        "REJECTED" => CallTerminateStatus.Rejected,
        _ => CallTerminateStatus.Unknown,
    };

    private static CallStatusKind StatusKind(string upper) => upper switch
    {
        "RINGING" => CallStatusKind.Ringing,
        "ACCEPTED" => CallStatusKind.Accepted,
        "REJECTED" => CallStatusKind.Rejected,
        "BUSY" => CallStatusKind.Busy,
        "NO_ANSWER" => CallStatusKind.NoAnswer,
        _ => CallStatusKind.Unknown,
    };
}
