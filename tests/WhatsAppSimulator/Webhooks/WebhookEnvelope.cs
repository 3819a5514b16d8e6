using System.Text.Json;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>
/// Writes Meta's envelope <c>{"object":"whatsapp_business_account","entry":[{"id","changes":[{"value","field"}]}]}</c>.
/// Changes of the same WABA share one entry, in order, which is how Meta batches several events in a delivery.
/// Meta writes <c>value</c> before <c>field</c>; parsers must not rely on member order.
/// </summary>
public static class WebhookEnvelope
{
    /// <summary>Serializes <paramref name="changes"/> into one delivery body.</summary>
    public static byte[] Write(IReadOnlyList<WebhookChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
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

        return buffer.ToArray();
    }
}
