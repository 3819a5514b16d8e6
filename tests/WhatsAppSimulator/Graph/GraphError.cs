using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>
/// One Graph API error, rendered as Meta does:
/// <c>{"error":{"message","type","code","error_subcode"?,"error_data"?{"messaging_product","details"},"fbtrace_id"}}</c>.
/// </summary>
public sealed record GraphError(HttpStatusCode Status, string Message, string Type, int Code, int? Subcode = null, string? Details = null)
{
    /// <summary>Graph's <c>is_transient</c> hint, written only when set (Meta sets it on throttling and outages).</summary>
    public bool? IsTransient { get; init; }

    private const string TraceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    /// <summary>Writes the error body; every error gets a fresh <c>fbtrace_id</c> like Meta's.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", Message);
            writer.WriteString("type", Type);
            writer.WriteNumber("code", Code);
            if (Subcode is { } subcode)
            {
                writer.WriteNumber("error_subcode", subcode);
            }

            if (IsTransient is { } transient)
            {
                writer.WriteBoolean("is_transient", transient);
            }

            if (Details is not null)
            {
                writer.WriteStartObject("error_data");
                writer.WriteString("messaging_product", "whatsapp");
                writer.WriteString("details", Details);
                writer.WriteEndObject();
            }

            writer.WriteString("fbtrace_id", NewTraceId());
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string NewTraceId() => RandomNumberGenerator.GetString(TraceAlphabet, 23);
}
