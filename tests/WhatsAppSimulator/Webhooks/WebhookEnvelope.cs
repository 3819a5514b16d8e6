using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>
/// Writes Meta's envelope <c>{"object":"whatsapp_business_account","entry":[{"id","changes":[{"value","field"}]}]}</c>.
/// Changes of the same WABA share one entry, in order, which is how Meta batches several events in a delivery.
/// Meta writes <c>value</c> before <c>field</c>; parsers must not rely on member order.
/// Like Meta's payloads, strings escape <c>/</c> as <c>\/</c> and non-ASCII as <c>\uXXXX</c> (so SDP reads
/// <c>UDP\/TLS\/RTP\/SAVPF</c>): a receiver that re-serializes before checking the signature fails, as it would with Meta.
/// </summary>
public static class WebhookEnvelope
{
    /// <summary>Writer settings for envelope and values: minimal escaping, the Meta-style pass runs afterwards.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serializes <paramref name="changes"/> into one delivery body.</summary>
    public static byte[] Write(IReadOnlyList<WebhookChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "whatsapp_business_account");
            writer.WriteStartArray("entry");
            foreach (var group in changes.GroupBy(c => c.WabaId, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("id", group.Key);
                writer.WriteStartArray("changes");
                foreach (var change in group)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("value");
                    writer.WriteRawValue(change.Value, skipInputValidation: true);
                    writer.WriteString("field", change.Field);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return MetaEscape(buffer.ToArray());
    }

    /// <summary>
    /// Escapes every <c>/</c> and every non-ASCII UTF-16 unit. Safe on whole JSON text: neither can occur outside a
    /// string, and the relaxed writer left non-ASCII unescaped.
    /// </summary>
    internal static byte[] MetaEscape(byte[] json)
    {
        var text = Encoding.UTF8.GetString(json);
        var escaped = new StringBuilder(text.Length + 64);
        foreach (var c in text)
        {
            if (c == '/')
            {
                escaped.Append("\\/");
            }
            else if (c > 0x7F)
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return Encoding.UTF8.GetBytes(escaped.ToString());
    }
}
