using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// The seed guide's shape: a flat <c>value</c> with <c>event_type</c> = <c>call.connect</c> | <c>call.status</c> |
/// <c>call.terminate</c> and <c>call_id</c>. Meta's real API does not send it (reference §0); it is accepted so
/// payloads written from the guide still work, and it yields the same events and dedup keys as the real shape.
/// </summary>
internal static class SeedEventParser
{
    public static void Parse(JsonElement value, string eventType, ChangeContext context, BatchBuilder batch)
    {
        if ((JsonFields.NonEmptyString(value, "call_id") ?? JsonFields.NonEmptyString(value, "id")) is not { } callId)
        {
            batch.Skip(context.Path, SkipReason.MissingField, "call_id is missing");
            return;
        }

        if (JsonFields.Is(eventType, "call.connect"))
        {
            CallEventReader.Connect(value, callId, context.Path, context, batch);
        }
        else if (JsonFields.Is(eventType, "call.status"))
        {
            CallEventReader.Status(value, callId, context.Path, context, batch);
        }
        else if (JsonFields.Is(eventType, "call.terminate"))
        {
            var errors = ErrorsParser.Read(value, context.Path, batch).ConvertAll(e => e.Detail);
            CallEventReader.Terminate(value, callId, context, errors, batch);
        }
        else
        {
            batch.Skip(context.Path, SkipReason.UnknownEvent, "event_type is not call.connect, call.status or call.terminate");
        }
    }
}
