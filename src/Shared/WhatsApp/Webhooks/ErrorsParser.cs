using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Reads <c>errors[]</c> arrays: <c>{code, title, message, href, error_data{details}}</c>.</summary>
internal static class ErrorsParser
{
    private const int HashBytes = 8;

    public static List<(WebhookErrorDetail Detail, string Hash)> Read(JsonElement owner, string ownerPath, BatchBuilder batch)
    {
        var errors = new List<(WebhookErrorDetail, string)>();
        if (JsonFields.Array(owner, "errors") is not { } array)
        {
            return errors;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{ownerPath}.errors[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                batch.Skip(path, SkipReason.NotAnObject, "errors[] item is not an object");
                continue;
            }

            var detail = new WebhookErrorDetail(
                JsonFields.Int32(item, "code"),
                JsonFields.String(item, "title"),
                JsonFields.String(item, "message"),
                JsonFields.Object(item, "error_data") is { } data ? JsonFields.String(data, "details") : JsonFields.String(item, "details"),
                JsonFields.String(item, "href"));
            if (detail.Code is null && detail.Message is null && detail.Title is null)
            {
                batch.Skip(path, SkipReason.MissingField, "errors[] item has no code, title or message");
                continue;
            }

            errors.Add((detail, HashOf(item)));
        }

        return errors;
    }

    // The raw bytes of the item: identical on redelivery, and all an id-less error has to identify it.
    private static string HashOf(JsonElement item)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(JsonMarshal.GetRawUtf8Value(item), digest);
        return Convert.ToHexStringLower(digest[..HashBytes]);
    }
}
