using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// The <c>value</c> of a <c>field = "messages"</c> change. Call permission replies and text messages (opt-out keywords)
/// are ours; other messages and delivery receipts are reported as ignored. Call statuses and errors are read as in a calls change.
/// </summary>
internal static class MessagesChangeParser
{
    private const string ReplyType = "call_permission_reply";

    public static void Parse(JsonElement value, ChangeContext context, BatchBuilder batch)
    {
        var readSomething = false;
        if (JsonFields.Array(value, "messages") is { } messages)
        {
            readSomething = true;
            ParseMessages(messages, context, batch);
        }

        if (JsonFields.Array(value, "statuses") is { } statuses)
        {
            readSomething = true;
            StatusesParser.Parse(statuses, context, batch);
        }

        var errors = ErrorsParser.Read(value, context.Path, batch);
        readSomething |= errors.Count > 0;
        ErrorEvents.Add(errors, context, batch);

        if (!readSomething)
        {
            batch.Ignore(context.Path, IgnoreReason.NothingToRead, "messages change without messages, statuses or errors");
        }
    }

    private static void ParseMessages(JsonElement messages, ChangeContext context, BatchBuilder batch)
    {
        var index = 0;
        foreach (var item in messages.EnumerateArray())
        {
            if (batch.Overflowed)
            {
                return;
            }

            var path = $"{context.Path}.messages[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                batch.Skip(path, SkipReason.NotAnObject, "messages[] item is not an object");
                continue;
            }

            if (JsonFields.Is(JsonFields.String(item, "type"), "text"))
            {
                ParseText(item, path, context, batch);
                continue;
            }

            var interactive = JsonFields.Object(item, "interactive");
            if (interactive is not { } body || !JsonFields.Is(JsonFields.String(body, "type"), ReplyType))
            {
                batch.Ignore(path, IgnoreReason.NotAPermissionReply, "message is not a call_permission_reply");
                continue;
            }

            ParseReply(item, body, path, context, batch);
        }
    }

    private static void ParseText(JsonElement message, string path, ChangeContext context, BatchBuilder batch)
    {
        if (JsonFields.NonEmptyString(message, "id") is not { } messageId)
        {
            batch.Skip(path, SkipReason.MissingField, "id is missing");
            return;
        }

        batch.Add(new TextMessage
        {
            WabaId = context.WabaId,
            PhoneNumberId = context.PhoneNumberId,
            DisplayPhoneNumber = context.DisplayPhoneNumber,
            Timestamp = JsonFields.UnixSeconds(message, "timestamp"),
            From = JsonFields.String(message, "from"),
            MessageId = messageId,
            Body = JsonFields.Object(message, "text") is { } text ? JsonFields.String(text, "body") ?? string.Empty : string.Empty,
        });
    }

    private static void ParseReply(JsonElement message, JsonElement interactive, string path, ChangeContext context, BatchBuilder batch)
    {
        if (JsonFields.NonEmptyString(message, "id") is not { } messageId)
        {
            batch.Skip(path, SkipReason.MissingField, "id is missing");
            return;
        }

        if (JsonFields.Object(interactive, ReplyType) is not { } reply)
        {
            batch.Skip(path, SkipReason.MissingField, "interactive.call_permission_reply is missing");
            return;
        }

        var responseText = JsonFields.String(reply, "response");
        PermissionResponse response;
        if (JsonFields.Is(responseText, "accept"))
        {
            response = PermissionResponse.Accept;
        }
        else if (JsonFields.Is(responseText, "reject"))
        {
            response = PermissionResponse.Reject;
        }
        else
        {
            batch.Skip(path, responseText is null ? SkipReason.MissingField : SkipReason.InvalidField, "response is not accept or reject");
            return;
        }

        var source = JsonFields.String(reply, "response_source");
        batch.Add(new CallPermissionReply
        {
            WabaId = context.WabaId,
            PhoneNumberId = context.PhoneNumberId,
            DisplayPhoneNumber = context.DisplayPhoneNumber,
            Timestamp = JsonFields.UnixSeconds(message, "timestamp"),
            From = JsonFields.String(message, "from"),
            MessageId = messageId,
            ContextId = JsonFields.Object(message, "context") is { } replyContext ? JsonFields.String(replyContext, "id") : null,
            Response = response,
            IsPermanent = JsonFields.Boolean(reply, "is_permanent") ?? false,
            Expiration = JsonFields.UnixSeconds(reply, "expiration_timestamp"),
            ResponseSource = JsonFields.Is(source, "user_action") ? PermissionResponseSource.UserAction
                : JsonFields.Is(source, "automatic") ? PermissionResponseSource.Automatic
                : PermissionResponseSource.Unknown,
        });
    }
}
