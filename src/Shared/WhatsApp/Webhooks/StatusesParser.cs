using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary><c>value.statuses[]</c>: call progress (<c>type = "call"</c>); anything else, such as message receipts, is ignored.</summary>
internal static class StatusesParser
{
    public static void Parse(JsonElement statuses, ChangeContext context, BatchBuilder batch)
    {
        var index = 0;
        foreach (var item in statuses.EnumerateArray())
        {
            if (batch.Overflowed)
            {
                return;
            }

            var path = $"{context.Path}.statuses[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                batch.Skip(path, SkipReason.NotAnObject, "statuses[] item is not an object");
                continue;
            }

            if (!JsonFields.Is(JsonFields.String(item, "type"), "call"))
            {
                batch.Ignore(path, IgnoreReason.NotACallStatus, "statuses[] item type is not call");
                continue;
            }

            if (JsonFields.NonEmptyString(item, "id") is not { } callId)
            {
                batch.Skip(path, SkipReason.MissingField, "id is missing");
                continue;
            }

            CallEventReader.Status(item, callId, path, context, batch);
        }
    }
}
