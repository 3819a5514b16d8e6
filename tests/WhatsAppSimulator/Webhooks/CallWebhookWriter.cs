using System.Text.Json;
using Serverless.Testing.WhatsAppSimulator.Calls;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>Writes the call webhooks of one <see cref="WebhookDialect"/>.</summary>
internal abstract class CallWebhookWriter
{
    public static CallWebhookWriter For(WebhookDialect dialect) =>
        dialect == WebhookDialect.SeedGuide ? new SeedGuideWriter() : new MetaWriter();

    public abstract WebhookChange Connect(SimulatedCall call, string sdpType, string sdp, long timestamp);

    /// <summary><paramref name="status"/> is Meta's RINGING / ACCEPTED / REJECTED.</summary>
    public abstract WebhookChange Status(SimulatedCall call, string status, long timestamp);

    public abstract IEnumerable<WebhookChange> Terminate(SimulatedCall call, string status, long timestamp, WebhookCallError? error, TerminateCause cause);

    private sealed class MetaWriter : CallWebhookWriter
    {
        public override WebhookChange Connect(SimulatedCall call, string sdpType, string sdp, long timestamp) =>
            WebhookValues.Connect(call, sdpType, sdp, timestamp);

        public override WebhookChange Status(SimulatedCall call, string status, long timestamp) =>
            WebhookValues.Status(call, status, timestamp);

        public override IEnumerable<WebhookChange> Terminate(SimulatedCall call, string status, long timestamp, WebhookCallError? error, TerminateCause cause) =>
            [WebhookValues.Terminate(call, status, timestamp, error)];
    }

    // Field sets exactly as the seed guide's samples: connect {messaging_product, call_id, from, session, event_type},
    // status {call_id, from, status, event_type}, terminate {call_id, from, duration, reason, event_type}.
    private sealed class SeedGuideWriter : CallWebhookWriter
    {
        public override WebhookChange Connect(SimulatedCall call, string sdpType, string sdp, long timestamp) =>
            Flat(call, "call.connect", w =>
            {
                w.WriteStartObject("session");
                w.WriteString("sdp_type", sdpType);
                w.WriteString("sdp", sdp);
                w.WriteEndObject();
            }, messagingProduct: true);

        public override WebhookChange Status(SimulatedCall call, string status, long timestamp) =>
            Flat(call, "call.status", w => w.WriteString("status", status.ToLowerInvariant()));

        public override IEnumerable<WebhookChange> Terminate(SimulatedCall call, string status, long timestamp, WebhookCallError? error, TerminateCause cause)
        {
            // The guide lists busy and no_answer as statuses; Meta has none.
            if (cause == TerminateCause.NotAnswered && call.Direction == SimulatedCallDirection.BusinessInitiated)
            {
                yield return Flat(call, "call.status", w => w.WriteString("status", "no_answer"));
            }
            else if (cause == TerminateCause.Failed && call.ConnectedAt is null && call.Direction == SimulatedCallDirection.BusinessInitiated)
            {
                yield return Flat(call, "call.status", w => w.WriteString("status", "busy"));
            }

            yield return Flat(call, "call.terminate", w =>
            {
                if (call.ConnectedAt is { } start)
                {
                    w.WriteNumber("duration", Math.Max(0, timestamp - start.ToUnixTimeSeconds()));
                }

                w.WriteString("reason", cause switch
                {
                    TerminateCause.UserHangUp => "user_hangup",
                    TerminateCause.BusinessHangUp => "business_hangup",
                    TerminateCause.Rejected => "rejected",
                    TerminateCause.NotAnswered => "no_answer",
                    _ => "failed",
                });
            });
        }

        private static WebhookChange Flat(SimulatedCall call, string eventType, Action<Utf8JsonWriter> body, bool messagingProduct = false)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WebhookEnvelope.WriterOptions))
            {
                writer.WriteStartObject();
                if (messagingProduct)
                {
                    writer.WriteString("messaging_product", "whatsapp");
                }

                writer.WriteString("call_id", call.Id);
                // The guide's "from" is the user in both its samples.
                writer.WriteString("from", call.UserWaId);
                body(writer);
                writer.WriteString("event_type", eventType);
                writer.WriteEndObject();
            }

            return new WebhookChange(call.Business.WabaId, WebhookValues.CallsField, buffer.ToArray());
        }
    }
}
