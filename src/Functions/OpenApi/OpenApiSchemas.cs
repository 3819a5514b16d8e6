using Microsoft.OpenApi;

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

    public static void AddTo(OpenApiDocument document)
    {
        document.AddComponent<IOpenApiSchema>(DialRequest, Object(
            "A call to place.",
            ["to"],
            ("to", String("The WhatsApp user's phone number in E.164 (+14155550123).")),
            ("from", String("Business phone number id to call from; the deployment's default when omitted.")),
            ("callbackUrl", String("HTTPS URL that receives signed status callbacks for this call.", "uri")),
            ("bizOpaqueCallbackData", String("Opaque data (up to 512 characters) echoed in Meta's webhooks.")),
            ("audio", new OpenApiSchema { Type = JsonSchemaType.Object, Description = "What the call plays once connected (e.g. a prompt blob)." }),
            ("metadata", StringMap("Up to 16 of your own key/value pairs, returned with the call."))));

        document.AddComponent<IOpenApiSchema>(Call, Object(
            "A call and where it stands.",
            ["id", "direction", "state", "from", "to", "createdAt", "updatedAt"],
            ("id", String("Call id.")),
            ("direction", String("inbound or outbound.")),
            ("state", String("Current state (e.g. dialing, ringing, connected, ended).")),
            ("outcome", String("Final outcome once ended (e.g. completed, rejected, no_answer, failed).")),
            ("from", String("Caller: business phone number id or the user's E.164 number.")),
            ("to", String("Callee.")),
            ("wacid", String("Meta's call id.")),
            ("createdAt", String("When the call was created.", "date-time")),
            ("updatedAt", String("Last change.", "date-time")),
            ("connectedAt", String("When audio flowed both ways.", "date-time")),
            ("endedAt", String("When the call ended.", "date-time")),
            ("durationSeconds", new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Connected duration in seconds." }),
            ("endReason", String("Why the call ended.")),
            ("metadata", StringMap("The metadata given when dialing.")),
            ("bizOpaqueCallbackData", String("The opaque data given when dialing."))));

        document.AddComponent<IOpenApiSchema>(CallList, Object(
            "One page of calls.",
            ["calls"],
            ("calls", new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(Call, document) }),
            ("continuationToken", String("Pass as continuationToken to read the next page; absent on the last page."))));

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
                        ("retryOn", new OpenApiSchema { Type = JsonSchemaType.Array, Description = "Outcomes that cause another attempt (e.g. rejected, noAnswer).", Items = new OpenApiSchema { Type = JsonSchemaType.String } })))),
            ],
        });

        document.AddComponent<IOpenApiSchema>(Dial, Object(
            "A scheduled dial and its attempts.",
            ["id", "state", "to", "from", "createdAt", "maxAttempts", "spacingSeconds", "retryOn", "attempts"],
            ("id", String("Dial id.")),
            ("state", String("Where the dial stands (e.g. scheduled, dialing, completed, cancelled, exhausted).")),
            ("to", String("The user's E.164 number.")),
            ("from", String("Business phone number id.")),
            ("createdAt", String("When the dial was created.", "date-time")),
            ("nextAttemptAt", String("When the next attempt is due.", "date-time")),
            ("maxAttempts", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Most attempts in all." }),
            ("spacingSeconds", new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Seconds between attempts." }),
            ("retryOn", new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }),
            ("reason", String("Why the dial ended or was refused.")),
            ("attempts", new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "The calls placed so far.",
                Items = Object(
                    "One attempt.",
                    ["callId", "location"],
                    ("callId", String("The call of this attempt.")),
                    ("state", String("The call's state.")),
                    ("outcome", String("The call's outcome once ended.")),
                    ("location", String("URL of the call resource."))),
            })));

        document.AddComponent<IOpenApiSchema>(Problem, Object(
            "RFC 9457 problem details.",
            [],
            ("type", String("Problem type URI.")),
            ("title", String("Short summary.")),
            ("status", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "HTTP status." }),
            ("detail", String("What went wrong in this case."))));

        document.AddComponent<IOpenApiSchema>(CallPermission, Object(
            "Whether the business may call the user now (Meta's call permission state).",
            [],
            ("waId", String("The user.")),
            ("status", String("none, temporary or permanent.")),
            ("expiresAt", String("When a temporary permission ends.", "date-time")),
            ("actions", new OpenApiSchema { Type = JsonSchemaType.Array, Description = "Meta's live action limits, as last read.", Items = new OpenApiSchema { Type = JsonSchemaType.Object } }),
            ("decision", String("allowed, no_permission, expired, limit_reached, too_many_unanswered or opted_out.")),
            ("consecutiveUnanswered", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The current unanswered streak." }),
            ("nextRequestAllowedAt", String("When the next permission request may be sent (absent: now).", "date-time")),
            ("fetchedAt", String("When Meta was last asked.", "date-time"))));

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

    private static OpenApiSchema StringMap(string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
