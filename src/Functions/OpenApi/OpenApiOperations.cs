using System.Net.Http;
using Microsoft.OpenApi;

namespace Serverless.Functions.OpenApi;

/// <summary>The paths: one operation per HTTP [Function], its operation id being the function's name.</summary>
internal static class OpenApiOperations
{
    public static void AddTo(OpenApiDocument document)
    {
        var keyed = KeyRequirement(document);
        var callId = PathParameter("id", "Call id.");
        var waId = PathParameter("waId", "The WhatsApp user's id (phone number digits, no '+').");

        Add(document, "/calls", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "PlaceCall",
            Summary = "Place a call",
            Description = "Starts an outbound call to a WhatsApp user. Send Idempotency-Key to make retries safe.",
            Parameters =
            [
                new OpenApiParameter { Name = "Idempotency-Key", In = ParameterLocation.Header, Description = "Retries with the same key return the same call.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            ],
            RequestBody = JsonBody(document, OpenApiSchemas.DialRequest, "The call to place."),
            Responses = Responses(
                document,
                ("202", "Accepted; the call is being placed.", OpenApiSchemas.Call),
                ("400", "Invalid request.", OpenApiSchemas.Problem),
                ("403", "The user has not allowed calls (ask with RequestCallPermission), opted out (user-opted-out), or too many calls in a row went unanswered.", OpenApiSchemas.Problem),
                ("413", "The body is too large.", OpenApiSchemas.Problem),
                ("429", "Meta's call limit for this user is used up.", OpenApiSchemas.Problem),
                ("502", "Meta refused the permission lookup or could not be reached.", OpenApiSchemas.Problem),
                ("503", "No MediaNode available, or permission lookups are rate limited; retry later.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/calls", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "ListCalls",
            Summary = "List calls",
            Description = "Lists calls oldest first (call ids sort by creation time), one page at a time; since= reads only recent calls.",
            Parameters =
            [
                QueryParameter("state", "Only calls in this state.", JsonSchemaType.String),
                QueryParameter("since", "Only calls created at or after this ISO 8601 time.", JsonSchemaType.String),
                QueryParameter("pageSize", "Calls per page (1-1000, default 50).", JsonSchemaType.Integer),
                QueryParameter("continuationToken", "Token of the next page from the previous response.", JsonSchemaType.String),
            ],
            Responses = Responses(document, ("200", "A page of calls.", OpenApiSchemas.CallList), ("400", "Invalid query.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/calls/{id}", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCall",
            Summary = "Get a call",
            Description = "Reads a call with its event history.",
            Parameters = [callId],
            Responses = Responses(document, ("200", "The call.", OpenApiSchemas.Call), ("404", "No such call.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/calls/{id}/recording", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallRecording",
            Summary = "Get a call's recording",
            Description = "Redirects (302) to a fresh short-lived read-only link to the recording.",
            Parameters = [callId],
            Responses = Responses(document, ("302", "Location is the recording's link.", null), ("404", "No such call, or it has no recording.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/calls/{id}", HttpMethod.Delete, new OpenApiOperation
        {
            OperationId = "HangUpCall",
            Summary = "Hang up a call",
            Description = "Ends the call (or cancels it while ringing).",
            Parameters = [callId],
            Responses = Responses(document, ("200", "The call, ending.", OpenApiSchemas.Call), ("404", "No such call.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/calls/{id}/play", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "PlayIntoCall",
            Summary = "Play into a call",
            Description = "Plays a prompt or a tone into a connected call, over its audio plan (which resumes afterwards), optionally collecting digits after it. The call goes on; a call.playbackFinished callback with the playId follows.",
            Parameters = [callId],
            RequestBody = JsonBody(document, OpenApiSchemas.PlayRequest, "What to play."),
            Responses = Responses(document, ("202", "Accepted; the play is on its way to the call's media node.", OpenApiSchemas.Play), ("400", "Invalid request.", OpenApiSchemas.Problem), ("404", "No such call.", OpenApiSchemas.Problem), ("409", "The call is not connected.", OpenApiSchemas.Problem), ("503", "The call's media node could not be reached.", OpenApiSchemas.Problem)),
        }, keyed);

        var dialId = PathParameter("id", "Dial id.");

        Add(document, "/dials", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "ScheduleDial",
            Summary = "Schedule a dial",
            Description = "Places a call later and/or retries it on chosen outcomes. Send Idempotency-Key to make retries safe.",
            Parameters =
            [
                new OpenApiParameter { Name = "Idempotency-Key", In = ParameterLocation.Header, Description = "Retries with the same key return the same dial.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            ],
            RequestBody = JsonBody(document, OpenApiSchemas.DialScheduleRequest, "The dial to schedule."),
            Responses = Responses(document, ("202", "Accepted; the dial is scheduled.", OpenApiSchemas.Dial), ("400", "Invalid request.", OpenApiSchemas.Problem), ("403", "The user opted out (user-opted-out).", OpenApiSchemas.Problem), ("413", "The body is too large.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/dials/{id}", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetDial",
            Summary = "Get a dial",
            Description = "Reads a scheduled dial with its attempts.",
            Parameters = [dialId],
            Responses = Responses(document, ("200", "The dial.", OpenApiSchemas.Dial), ("404", "No such dial.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/dials/{id}", HttpMethod.Delete, new OpenApiOperation
        {
            OperationId = "CancelDial",
            Summary = "Cancel a dial",
            Description = "Cancels a scheduled dial: it never dials again (a call in progress is not hung up).",
            Parameters = [dialId],
            Responses = Responses(document, ("200", "The dial, cancelled.", OpenApiSchemas.Dial), ("404", "No such dial.", OpenApiSchemas.Problem), ("409", "The dial has finished.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/permissions/{waId}", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallPermission",
            Summary = "Get call permission",
            Description = "Whether the business may call this user now.",
            Parameters = [waId, PhoneNumberIdQuery()],
            Responses = Responses(document, ("200", "The permission.", OpenApiSchemas.CallPermission), ("400", "Invalid request.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/permissions/{waId}/request", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "RequestCallPermission",
            Summary = "Request call permission",
            Description = "Sends the user a call permission request message (rate limited per Meta's rules).",
            Parameters = [waId, PhoneNumberIdQuery()],
            RequestBody = JsonBody(document, OpenApiSchemas.CallPermissionRequest, "Optional message text.", required: false),
            Responses = Responses(document, ("202", "The request was sent.", null), ("409", "The user already allows calls permanently.", OpenApiSchemas.Problem), ("429", "Too many requests to this user.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/settings/calling", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallingSettings",
            Summary = "Get calling settings",
            Description = "Reads the phone number's calling settings from Meta.",
            Parameters = [PhoneNumberIdQuery()],
            Responses = Responses(document, ("200", "The settings.", OpenApiSchemas.CallingSettings), ("400", "Invalid request.", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/settings/calling", HttpMethod.Put, new OpenApiOperation
        {
            OperationId = "PutCallingSettings",
            Summary = "Update calling settings",
            Description = "Updates the phone number's calling settings at Meta (enable calling, hours, callback permission). "
                + "Needs the Function App's master (admin) key; host and function keys get 401.",
            Parameters = [PhoneNumberIdQuery()],
            RequestBody = JsonBody(document, OpenApiSchemas.CallingSettings, "The settings to change."),
            Responses = Responses(document, ("200", "Updated.", OpenApiSchemas.CallingSettings), ("400", "Invalid settings.", OpenApiSchemas.Problem), ("401", "Not the master key.", null)),
        }, keyed);

        Add(document, "/analytics/calls", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallAnalytics",
            Summary = "Get call analytics",
            Description = "Outcome counts, answer and success rates, duration and setup-time percentiles, audio quality and top failure reasons "
                + "of the calls created in [from, to), grouped by day, hour, phone number, direction or outcome. Answered from hourly/daily/monthly rollups "
                + "updated when each call ends; percentiles are within percentileRelativeError.",
            Parameters =
            [
                QueryParameter("from", "Start (inclusive): an ISO 8601 time at a whole UTC hour.", JsonSchemaType.String),
                QueryParameter("to", "End (exclusive): an ISO 8601 time at a whole UTC hour, at most 400 days after from.", JsonSchemaType.String),
                QueryParameter("groupBy", "day (default), hour (ranges up to 31 days), phoneNumber, direction or outcome.", JsonSchemaType.String),
            ],
            Responses = Responses(document, ("200", "The analytics.", OpenApiSchemas.CallAnalytics), ("400", "Invalid query (missing or unaligned from/to, unknown groupBy, groupBy=agent, range too long).", OpenApiSchemas.Problem)),
        }, keyed);

        // Called by Meta and by the MediaNodes, not by workflows: anonymous (signature-checked) and marked internal
        // so Power Automate does not offer them as actions.
        Add(document, "/webhook", HttpMethod.Get, Internal(new OpenApiOperation
        {
            OperationId = "VerifyWebhook",
            Summary = "Meta webhook verification",
            Description = "Answers Meta's hub.challenge when the verify token matches.",
            Responses = Responses(document, ("200", "The challenge.", null), ("403", "Wrong verify token.", null)),
        }), keyed: null);

        Add(document, "/webhook", HttpMethod.Post, Internal(new OpenApiOperation
        {
            OperationId = "ReceiveWebhook",
            Summary = "Meta webhook",
            Description = "Receives Meta's calls and messages webhooks (X-Hub-Signature-256 checked).",
            Responses = Responses(document, ("200", "Accepted.", null), ("401", "Bad signature.", null)),
        }), keyed: null);

        Add(document, "/media/events", HttpMethod.Post, Internal(new OpenApiOperation
        {
            OperationId = "MediaEvents",
            Summary = "MediaNode events",
            Description = "Receives HMAC-signed events from the MediaNodes.",
            Responses = Responses(document, ("202", "Accepted.", null), ("401", "Bad signature, or a node without a key.", null), ("403", "The body names another node than the signing one.", OpenApiSchemas.Problem), ("409", "Another node owns the call; nothing applied.", OpenApiSchemas.Problem)),
        }), keyed: null);

        Add(document, "/openapi.json", HttpMethod.Get, Internal(new OpenApiOperation
        {
            OperationId = OpenApiFunction.FunctionName,
            Summary = "This OpenAPI document",
            Description = "The API description as Swagger 2.0.",
            Responses = Responses(document, ("200", "The document.", null)),
        }), keyed: null);
    }

    private static void Add(OpenApiDocument document, string path, HttpMethod method, OpenApiOperation operation, OpenApiSecurityRequirement[]? keyed)
    {
        operation.Security = keyed is null ? [] : [.. keyed];
        if (document.Paths.TryGetValue(path, out var existing) && existing is OpenApiPathItem item)
        {
            item.Operations!.Add(method, operation);
            return;
        }

        document.Paths.Add(path, new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [method] = operation } });
    }

    private static OpenApiOperation Internal(OpenApiOperation operation)
    {
        operation.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal)
        {
            ["x-ms-visibility"] = new JsonNodeExtension("internal"),
        };
        return operation;
    }

    private static OpenApiSecurityRequirement[] KeyRequirement(OpenApiDocument document) =>
    [
        new() { [new OpenApiSecuritySchemeReference(OpenApiDocumentBuilder.FunctionKeyScheme, document)] = [] },
    ];

    private static OpenApiParameter PathParameter(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Path,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiParameter QueryParameter(string name, string description, JsonSchemaType type) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = type },
    };

    private static OpenApiParameter PhoneNumberIdQuery() =>
        QueryParameter("phoneNumberId", "Business phone number id, one this deployment serves (else 400); the deployment's default when omitted.", JsonSchemaType.String);

    private static OpenApiRequestBody JsonBody(OpenApiDocument document, string schema, string description, bool required = true) => new()
    {
        Required = required,
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) },
        },
    };

    private static OpenApiResponses Responses(OpenApiDocument document, params (string Status, string Description, string? Schema)[] responses)
    {
        var result = new OpenApiResponses();
        foreach (var (status, description, schema) in responses)
        {
            var response = new OpenApiResponse { Description = description };
            if (schema is not null)
            {
                var media = schema == OpenApiSchemas.Problem ? "application/problem+json" : "application/json";
                response.Content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal)
                {
                    [media] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) },
                };
            }

            result.Add(status, response);
        }

        return result;
    }
}
