using Microsoft.OpenApi;
using Serverless.Functions.Api;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Dials;
using Serverless.Functions.Permissions;
using Serverless.Functions.Privacy;

namespace Serverless.Functions.OpenApi;

/// <summary>The shared schemas of the HTTP API (the JSON the Api, Permissions and Settings functions read and write).</summary>
internal static class OpenApiSchemas
{
    public const string DialRequest = "DialRequest";
    public const string Call = "Call";
    public const string CallList = "CallList";
    public const string DialScheduleRequest = "DialScheduleRequest";
    public const string Dial = "Dial";
    public const string Problem = "Problem";
    public const string CallPermission = "CallPermission";
    public const string CallPermissionRequest = "CallPermissionRequest";
    public const string CallingSettings = "CallingSettings";
    public const string PlayRequest = "PlayRequest";
    public const string Play = "Play";
    public const string UserErasure = "UserErasure";
    public const string PhoneNumberList = "PhoneNumberList";
    public const string CallEvent = "CallEvent";
    public const string Subscription = "Subscription";
    public const string SubscriptionRequest = "SubscriptionRequest";
    public const string CallAnalytics = "CallAnalytics";
    public const string CallStatsGroup = "CallStatsGroup";
    public const string Distribution = "Distribution";
    public const string AnalyticsCallList = "AnalyticsCallList";
    public const string NamedCount = "NamedCount";

    /// <summary>The response types whose schemas are generated, and their definition names.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Generated = new Dictionary<Type, string>
    {
        [typeof(CallResource)] = Call,
        [typeof(CallListResource)] = CallList,
        [typeof(DialResource)] = Dial,
        [typeof(PermissionResource)] = CallPermission,
        [typeof(PlayResource)] = Play,
        [typeof(UserErasureResource)] = UserErasure,
        [typeof(PhoneNumberListResource)] = PhoneNumberList,
        [typeof(CallbackEvent)] = CallEvent,
        [typeof(SubscriptionResource)] = Subscription,
        [typeof(Analytics.CallAnalyticsResource)] = CallAnalytics,
        [typeof(Analytics.CallStatsGroup)] = CallStatsGroup,
        [typeof(Analytics.Distribution)] = Distribution,
        [typeof(Analytics.AnalyticsCallList)] = AnalyticsCallList,
        [typeof(Analytics.NamedCount)] = NamedCount,
    };

    public static void AddTo(OpenApiDocument document)
    {
        document.AddComponent<IOpenApiSchema>(DialRequest, Object(
            "A call to place.",
            ["to"],
            ("to", String("The WhatsApp user's phone number in E.164 (+14155550123).")),
            ("from", PhoneNumberChoice(String("Business phone number id to call from; the deployment's default when omitted."))),
            ("callbackUrl", String("HTTPS URL that receives signed status callbacks for this call.", "uri")),
            ("bizOpaqueCallbackData", String("Opaque data (up to 512 characters) echoed in Meta's webhooks.")),
            ("audio", new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The audio plan: {\"steps\":[...]} run in order once connected. Step kinds: prompt, tone, pause, collect, record, echo, "
                    + "stream (connect the call's audio both ways to an AI agent's WebSocket: url wss://, dialect twilio|pcm|openai-realtime, sampleRate 16000|24000 for pcm, "
                    + "token or headers, or a key the node obtains itself: keyVaultSecret (a secret of the node's Key Vault, sent per keyHeader authorization|api-key), "
                    + "customParameters, tracks inbound|both, timeoutSeconds, onError steps; openai-realtime connects straight to an OpenAI or "
                    + "Azure OpenAI realtime endpoint and takes instructions, voice, turnDetection {type server_vad|semantic_vad, threshold, prefixPaddingMs, "
                    + "silenceDurationMs, eagerness} and auth entra (the node's managed identity token, Azure OpenAI hosts only)) and hangup. See the product README.",
            }),
            ("metadata", StringMap("Up to 16 of your own key/value pairs, returned with the call."))));

        document.AddComponent<IOpenApiSchema>(PlayRequest, Object(
            "What to play into a connected call: exactly one of prompt or tone.",
            [],
            ("prompt", String("A bundled prompt name (e.g. beep) or the http(s) URI of a WAV blob in the media storage account.")),
            ("tone", Object(
                "A sine tone.",
                ["hz", "ms"],
                ("hz", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Frequency, 20-8000 Hz." }),
                ("ms", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Length, 20-600000 ms." }))),
            ("bargeIn", new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Whether a digit the caller presses stops the playback." }),
            ("thenCollect", Object(
                "Digits to collect once the playback ended (reported like the plan's collect steps).",
                ["maxDigits", "timeoutSeconds"],
                ("maxDigits", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "At most this many digits (1-32)." }),
                ("terminator", String("A key that ends collection early (0-9, *, #, A-D); not reported.")),
                ("timeoutSeconds", new OpenApiSchema { Type = JsonSchemaType.Number, Description = "How long to wait (0.1-300 s)." }),
                ("name", String("Your name for this input (1-64 characters)."))))));

        document.AddComponent<IOpenApiSchema>(DialScheduleRequest, new OpenApiSchema
        {
            Description = "A dial request plus when to place it and how to retry.",
            AllOf =
            [
                new OpenApiSchemaReference(DialRequest, document),
                Object(
                    "Scheduling.",
                    [],
                    ("notBefore", String("Earliest time to place the first attempt (ISO 8601); now when omitted.", "date-time")),
                    ("retry", Object(
                        "How often and when the dial is tried again.",
                        ["maxAttempts"],
                        ("maxAttempts", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Most attempts in all." }),
                        ("spacingSeconds", new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Seconds between attempts." }),
                        ("retryOn", new OpenApiSchema { Type = JsonSchemaType.Array, Description = "Outcomes that cause another attempt (e.g. rejected, noAnswer).", Items = Enumerated(Enum.GetValues<RetryOn>().Where(r => r != RetryOn.None).Select(WireText.Of)) })))),
            ],
        });

        var problem = Object(
            "RFC 9457 problem details.",
            [],
            ("type", String("Problem type URI.")),
            ("title", String("Short summary.")),
            ("status", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "HTTP status." }),
            ("detail", String("What went wrong in this case.")),
            ("instance", String("The resource the problem is about, when there is one.")),
            ("errors", new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Per-field messages of a validation problem: the key points at the field (e.g. audio.steps[2].hz).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            }));

        // RFC 9457 extension members (e.g. nextRequestAllowedAt on a rate-limited permission request).
        problem.AdditionalProperties = new OpenApiSchema();
        document.AddComponent<IOpenApiSchema>(Problem, problem);

        // What the API returns is described by the returned types themselves.
        foreach (var (type, name) in Generated)
        {
            document.AddComponent(name, DtoSchemas.For(type, document, Generated));
        }

        // Power Platform's webhook trigger: the platform fills in url (x-ms-notification-url) with its own callback.
        var notificationUrl = String("The https URL events are sent to (the flow's own callback, filled in by Power Automate and Logic Apps).", "uri");
        notificationUrl.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal)
        {
            ["x-ms-notification-url"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(true)),
        };
        var events = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "The event types that trigger: at least one.",
            Items = Enumerated(CallbackEventTypes.All),
        };
        document.AddComponent<IOpenApiSchema>(SubscriptionRequest, Object(
            "Where to send which call status events.",
            ["url", "events"],
            ("url", notificationUrl),
            ("events", events),
            ("phoneNumberId", PhoneNumberChoice(String("Only calls of this business phone number id; every number this deployment serves when omitted.")))));

        document.AddComponent<IOpenApiSchema>(CallPermissionRequest, Object(
            "Optional text of the call permission request message.",
            [],
            ("bodyText", String("Message body shown above the allow-calls buttons; Meta's default text when omitted."))));

        document.AddComponent<IOpenApiSchema>(CallingSettings, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The phone number's calling settings as Meta's Graph API shapes them (status, call_icon_visibility, call_hours, callback_permission_status, sip).",
        });
    }

    private static OpenApiSchema Object(string description, string[] required, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = required.Length == 0 ? null : new HashSet<string>(required, StringComparer.Ordinal),
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema, StringComparer.Ordinal),
    };

    private static OpenApiSchema String(string description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Description = description, Format = format };

    /// <summary>A business phone number field: its choices come from <c>GET /api/phone-numbers</c>.</summary>
    internal static OpenApiSchema PhoneNumberChoice(OpenApiSchema schema)
    {
        schema.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        schema.Extensions["x-ms-dynamic-values"] = PowerPlatform.PhoneNumberChoices();
        return schema;
    }

    internal static OpenApiSchema Enumerated(IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))],
    };

    private static OpenApiSchema StringMap(string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
