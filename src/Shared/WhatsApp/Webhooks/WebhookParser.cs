using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Parses a WhatsApp Business webhook POST body (already signature-checked on the raw bytes) into events.
/// Never throws on any input: a body is either a <see cref="WebhookBatch"/> or a typed <see cref="WebhookParseError"/>,
/// and a malformed item inside a good envelope only lands in <see cref="WebhookBatch.Skipped"/>.
/// </summary>
public static class WebhookParser
{
    /// <summary>The only envelope <c>object</c> that carries calls and messages.</summary>
    public const string WhatsAppBusinessAccount = "whatsapp_business_account";

    /// <summary>Parses with <see cref="WebhookParserLimits.Default"/>.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Body,
        [NotNullWhen(true)] out WebhookBatch? batch,
        [NotNullWhen(false)] out WebhookParseError? error) =>
        TryParse(utf8Body, WebhookParserLimits.Default, out batch, out error);

    /// <summary>Parses with the given caps.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Body,
        WebhookParserLimits limits,
        [NotNullWhen(true)] out WebhookBatch? batch,
        [NotNullWhen(false)] out WebhookParseError? error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        batch = null;
        if (utf8Body.IsEmpty)
        {
            error = new WebhookParseError(WebhookParseErrorKind.Empty, "The body is empty.");
            return false;
        }

        if (utf8Body.Length > limits.MaxBodyBytes)
        {
            error = new WebhookParseError(
                WebhookParseErrorKind.TooLarge, $"The body has {utf8Body.Length} bytes; the cap is {limits.MaxBodyBytes}.");
            return false;
        }

        if (!JsonDocumentReader.TryParse(utf8Body, limits.MaxDepth, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            return TryReadEnvelope(document.RootElement, limits, out batch, out error);
        }
    }

    private static bool TryReadEnvelope(
        JsonElement root,
        WebhookParserLimits limits,
        [NotNullWhen(true)] out WebhookBatch? batch,
        [NotNullWhen(false)] out WebhookParseError? error)
    {
        batch = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new WebhookParseError(WebhookParseErrorKind.NotAnObject, $"The JSON root is {root.ValueKind}, not an object.");
            return false;
        }

        if (JsonFields.String(root, "object") is not WhatsAppBusinessAccount)
        {
            error = new WebhookParseError(WebhookParseErrorKind.UnknownObject, $"\"object\" is not \"{WhatsAppBusinessAccount}\".");
            return false;
        }

        if (JsonFields.Array(root, "entry") is not { } entries)
        {
            error = new WebhookParseError(WebhookParseErrorKind.InvalidEnvelope, "\"entry\" is missing or not an array.");
            return false;
        }

        var builder = new BatchBuilder(limits.MaxItems);
        ReadEntries(entries, builder);
        if (builder.Overflowed)
        {
            error = new WebhookParseError(WebhookParseErrorKind.TooManyItems, $"The body holds more than {limits.MaxItems} items.");
            return false;
        }

        batch = builder.Build(WhatsAppBusinessAccount);
        error = null;
        return true;
    }

    private static void ReadEntries(JsonElement entries, BatchBuilder batch)
    {
        var entryIndex = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            if (batch.Overflowed)
            {
                return;
            }

            var entryPath = $"entry[{entryIndex++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                batch.Skip(entryPath, SkipReason.NotAnObject, "entry[] item is not an object");
                continue;
            }

            if (JsonFields.Array(entry, "changes") is not { } changes)
            {
                batch.Skip(entryPath, SkipReason.MissingField, "changes is missing or not an array");
                continue;
            }

            var wabaId = JsonFields.String(entry, "id");
            var changeIndex = 0;
            foreach (var change in changes.EnumerateArray())
            {
                if (batch.Overflowed)
                {
                    return;
                }

                ReadChange(change, $"{entryPath}.changes[{changeIndex++}]", wabaId, batch);
            }
        }
    }

    private static void ReadChange(JsonElement change, string path, string? wabaId, BatchBuilder batch)
    {
        if (change.ValueKind != JsonValueKind.Object)
        {
            batch.Skip(path, SkipReason.NotAnObject, "changes[] item is not an object");
            return;
        }

        if (JsonFields.String(change, "field") is not { } field)
        {
            batch.Skip(path, SkipReason.MissingField, "field is missing");
            return;
        }

        var isCalls = field == "calls";
        if (!isCalls && field != "messages")
        {
            batch.Ignore(path, IgnoreReason.UnhandledField, field.Length <= 64 ? field : field[..64]);
            return;
        }

        if (JsonFields.Object(change, "value") is not { } value)
        {
            batch.Skip(path, SkipReason.MissingField, "value is missing or not an object");
            return;
        }

        var valuePath = path + ".value";
        var context = ChangeContext.From(valuePath, wabaId, value);
        if (isCalls)
        {
            CallsChangeParser.Parse(value, context, batch);
        }
        else
        {
            MessagesChangeParser.Parse(value, context, batch);
        }
    }
}
