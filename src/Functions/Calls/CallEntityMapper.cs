using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

/// <summary>Maps <see cref="CallRecord"/> and <see cref="CallEvent"/> to table entities and back.</summary>
internal static class CallEntityMapper
{
    // A table string property holds 32 K characters; 64 inputs of at most ~300 characters stay well inside.
    private const int MaxJsonLength = 30 * 1024;

    public static TableEntity ToEntity(CallRecord call)
    {
        var e = new TableEntity(call.CallId, CallStoreKeys.CallRowKey)
        {
            [CallStoreKeys.KindProperty] = CallStoreKeys.CallKind,
            ["Direction"] = call.Direction.ToString(),
            ["State"] = call.State.ToString(),
            ["IsFinal"] = call.IsFinal,
            ["BusinessPhoneNumberId"] = call.BusinessPhoneNumberId,
            ["UserWaId"] = call.UserWaId,
            ["CreatedAt"] = call.CreatedAt,
            ["UpdatedAt"] = call.UpdatedAt,
            ["Version"] = call.Version,
        };
        Set(e, "Outcome", call.Outcome?.ToString());
        Set(e, "Wacid", call.Wacid);
        Set(e, "RingingAt", call.RingingAt);
        Set(e, "AnswerReceivedAt", call.AnswerReceivedAt);
        Set(e, "AcceptedAt", call.AcceptedAt);
        Set(e, "MediaConnectedAt", call.MediaConnectedAt);
        Set(e, "ConnectedAt", call.ConnectedAt);
        Set(e, "EndedAt", call.EndedAt);
        Set(e, "Deadline", call.Deadline);
        Set(e, "DurationTicks", call.Duration?.Ticks);
        Set(e, "NodeId", call.NodeId);
        Set(e, "BizOpaqueData", call.BizOpaqueData);
        Set(e, "IdempotencyKey", call.IdempotencyKey);
        Set(e, "PlaysSent", call.PlaysSent == 0 ? null : call.PlaysSent);
        Set(e, "CallbackUrl", call.CallbackUrl);
        Set(e, "CallerName", call.CallerName);
        Set(e, "Queue", call.Queue);
        Set(e, "AgentId", call.AgentId);
        Set(e, "AgentName", call.AgentName);
        if (call.LastError is { } error)
        {
            e["ErrorCode"] = error.Code;
            e["LastErrorMessage"] = error.Message;
        }

        Set(e, "MediaEndedAt", call.MediaEndedAt);
        Set(e, "MediaReportDue", call.MediaReportDue);
        if (call.Recording is { } recording)
        {
            e["Recording"] = Json(JsonSerializer.Serialize(recording, CallStoreJsonContext.Default.RecordingInfo));
        }

        if (call.Inputs.Count > 0)
        {
            e["Inputs"] = Json(JsonSerializer.Serialize([.. call.Inputs], CallStoreJsonContext.Default.ListDigitInput));
        }

        if (call.EndReason is { } reason)
        {
            var (kind, code, detail) = EndReasonCodec.Encode(reason);
            e["EndReasonKind"] = kind;
            Set(e, "EndReasonCode", code);
            Set(e, "EndReasonDetail", detail);
        }

        if (call.MediaStats is { } stats)
        {
            e["MediaStats"] = Json(JsonSerializer.Serialize(stats, CallStoreJsonContext.Default.MediaStats));
        }

        if (call.Metadata.Count > 0)
        {
            var copy = new Dictionary<string, string>(call.Metadata, StringComparer.Ordinal);
            e["Metadata"] = Json(JsonSerializer.Serialize(copy, CallStoreJsonContext.Default.DictionaryStringString));
        }

        return e;
    }

    public static CallRecord ToCall(TableEntity e)
    {
        var metadataJson = e.GetString("Metadata");
        var statsJson = e.GetString("MediaStats");
        var errorCode = e.GetString("ErrorCode");
        var recordingJson = e.GetString("Recording");
        var inputsJson = e.GetString("Inputs");
        var reasonKind = e.GetString("EndReasonKind");
        var outcome = e.GetString("Outcome");
        var durationTicks = e.GetInt64("DurationTicks");
        return new CallRecord
        {
            CallId = e.PartitionKey,
            Direction = Enum.Parse<CallDirection>(Required(e, "Direction")),
            State = Enum.Parse<CallState>(Required(e, "State")),
            Outcome = outcome is null ? null : Enum.Parse<CallOutcome>(outcome),
            BusinessPhoneNumberId = Required(e, "BusinessPhoneNumberId"),
            UserWaId = Required(e, "UserWaId"),
            Wacid = e.GetString("Wacid"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? throw Missing("CreatedAt"),
            UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? throw Missing("UpdatedAt"),
            RingingAt = e.GetDateTimeOffset("RingingAt"),
            AnswerReceivedAt = e.GetDateTimeOffset("AnswerReceivedAt"),
            AcceptedAt = e.GetDateTimeOffset("AcceptedAt"),
            MediaConnectedAt = e.GetDateTimeOffset("MediaConnectedAt"),
            ConnectedAt = e.GetDateTimeOffset("ConnectedAt"),
            EndedAt = e.GetDateTimeOffset("EndedAt"),
            Deadline = e.GetDateTimeOffset("Deadline"),
            Duration = durationTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null,
            NodeId = e.GetString("NodeId"),
            BizOpaqueData = e.GetString("BizOpaqueData"),
            IdempotencyKey = e.GetString("IdempotencyKey"),
            PlaysSent = e.GetInt32("PlaysSent") ?? 0,
            CallbackUrl = e.GetString("CallbackUrl"),
            CallerName = e.GetString("CallerName"),
            Queue = e.GetString("Queue"),
            AgentId = e.GetString("AgentId"),
            AgentName = e.GetString("AgentName"),
            LastError = errorCode is { } code ? new CallError(code, e.GetString("LastErrorMessage") ?? string.Empty) : null,
            EndReason = reasonKind is null
                ? null
                : EndReasonCodec.Decode(reasonKind, e.GetInt32("EndReasonCode"), e.GetString("EndReasonDetail")),
            MediaStats = statsJson is null ? null : JsonSerializer.Deserialize(statsJson, CallStoreJsonContext.Default.MediaStats),
            Recording = recordingJson is null ? null : JsonSerializer.Deserialize(recordingJson, CallStoreJsonContext.Default.RecordingInfo),
            Inputs = inputsJson is null ? CallRecord.NoInputs : JsonSerializer.Deserialize(inputsJson, CallStoreJsonContext.Default.ListDigitInput) ?? CallRecord.NoInputs,
            MediaEndedAt = e.GetDateTimeOffset("MediaEndedAt"),
            MediaReportDue = e.GetDateTimeOffset("MediaReportDue"),
            Metadata = metadataJson is null
                ? CallRecord.NoMetadata
                : JsonSerializer.Deserialize(metadataJson, CallStoreJsonContext.Default.DictionaryStringString) ?? CallRecord.NoMetadata,
            Version = e.GetInt64("Version") ?? 0,
        };
    }

    public static TableEntity ToEntity(CallEvent evt) => new(evt.CallId, CallStoreKeys.EventRowKey(evt.DedupKey))
    {
        [CallStoreKeys.KindProperty] = CallStoreKeys.EventKind,
        ["Sequence"] = evt.Sequence,
        ["At"] = evt.At,
        ["Trigger"] = evt.Trigger,
        ["Detail"] = evt.Detail,
        ["DedupKey"] = evt.DedupKey,
        ["Result"] = evt.Result.ToString(),
        ["StateAfter"] = evt.StateAfter.ToString(),
        ["Reason"] = evt.Reason,
    };

    public static CallEvent ToEvent(TableEntity e) => new(
        e.PartitionKey,
        e.GetInt64("Sequence") ?? throw Missing("Sequence"),
        e.GetDateTimeOffset("At") ?? throw Missing("At"),
        Required(e, "Trigger"),
        e.GetString("Detail") ?? string.Empty,
        Required(e, "DedupKey"),
        Enum.Parse<TransitionKind>(Required(e, "Result")),
        Enum.Parse<CallState>(Required(e, "StateAfter")),
        e.GetString("Reason"));

    private static void Set(TableEntity e, string name, object? value)
    {
        if (value is not null)
        {
            e[name] = value;
        }
    }

    private static string Json(string json) =>
        json.Length <= MaxJsonLength
            ? json
            : throw new ArgumentException($"Stored JSON exceeds {MaxJsonLength} characters; metadata must stay small.");

    private static string Required(TableEntity e, string name) => e.GetString(name) ?? throw Missing(name);

    private static InvalidDataException Missing(string name) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Stored call entity lacks property '{name}'."));
}
