using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// The <c>value</c> of a <c>field = "calls"</c> change: <c>calls[]</c> (connect/terminate), <c>statuses[]</c>
/// (outbound progress), <c>errors[]</c>; or the seed guide's flat <c>event_type</c> shape.
/// </summary>
internal static class CallsChangeParser
{
    public static void Parse(JsonElement value, ChangeContext context, BatchBuilder batch)
    {
        if (JsonFields.String(value, "event_type") is { } eventType)
        {
            SeedEventParser.Parse(value, eventType, context, batch);
            return;
        }

        // Meta puts a failed call's errors next to calls[], not inside it (reference §2d), so read them first.
        var errors = ErrorsParser.Read(value, context.Path, batch);
        var details = errors.ConvertAll(e => e.Detail);
        var terminated = false;
        var readSomething = errors.Count > 0;

        if (JsonFields.Array(value, "calls") is { } calls)
        {
            readSomething = true;
            terminated = ParseCalls(calls, details, context, batch);
        }

        if (JsonFields.Array(value, "statuses") is { } statuses)
        {
            readSomething = true;
            StatusesParser.Parse(statuses, context, batch);
        }

        if (!terminated)
        {
            ErrorEvents.Add(errors, context, batch);
        }

        if (!readSomething)
        {
            batch.Ignore(context.Path, IgnoreReason.NothingToRead, "calls change without calls, statuses or errors");
        }
    }

    // Returns whether any terminate event took the change's errors.
    private static bool ParseCalls(JsonElement calls, List<WebhookErrorDetail> valueErrors, ChangeContext context, BatchBuilder batch)
    {
        var terminated = false;
        var index = 0;
        foreach (var item in calls.EnumerateArray())
        {
            if (batch.Overflowed)
            {
                return terminated;
            }

            var path = $"{context.Path}.calls[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                batch.Skip(path, SkipReason.NotAnObject, "calls[] item is not an object");
                continue;
            }

            if (JsonFields.NonEmptyString(item, "id") is not { } callId)
            {
                batch.Skip(path, SkipReason.MissingField, "id is missing");
                continue;
            }

            var callEvent = JsonFields.String(item, "event");
            if (JsonFields.Is(callEvent, "connect"))
            {
                CallEventReader.Connect(item, callId, path, context, batch);
            }
            else if (JsonFields.Is(callEvent, "terminate"))
            {
                var errors = new List<WebhookErrorDetail>(valueErrors);
                errors.AddRange(ErrorsParser.Read(item, path, batch).ConvertAll(e => e.Detail));
                CallEventReader.Terminate(item, callId, context, errors, batch);
                terminated = true;
            }
            else
            {
                batch.Skip(path, callEvent is null ? SkipReason.MissingField : SkipReason.UnknownEvent, "event is not connect or terminate");
            }
        }

        return terminated;
    }
}
