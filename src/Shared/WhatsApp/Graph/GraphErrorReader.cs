using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Turns a non-success Graph response into <see cref="WhatsAppApiException"/>.</summary>
internal static class GraphErrorReader
{
    private const int ExcerptLength = 200;

    public static WhatsAppApiException ToException(GraphAction action, HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        GraphError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, WhatsAppGraphJsonContext.Default.GraphErrorBody)?.Error;
        }
        catch (JsonException)
        {
            // Not Meta's JSON (a proxy's HTML page, an empty body…): keep the status and an excerpt below.
        }

        if (error is null)
        {
            return new WhatsAppApiException(action, status, Excerpt(body), retryAfter: retryAfter);
        }

        return new WhatsAppApiException(
            action,
            status,
            error.Message ?? "(no message)",
            error.Code,
            error.ErrorSubcode,
            error.Type,
            error.FbtraceId,
            error.Details,
            retryAfter);
    }

    private static string Excerpt(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "(empty body)";
        }

        var text = Encoding.UTF8.GetString(body.Length > ExcerptLength * 4 ? body[..(ExcerptLength * 4)] : body);
        var builder = new StringBuilder(Math.Min(text.Length, ExcerptLength));
        foreach (var c in text)
        {
            if (builder.Length == ExcerptLength)
            {
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
