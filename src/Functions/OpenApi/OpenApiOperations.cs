using System.Net.Http;
using Microsoft.OpenApi;
using Serverless.Functions.Calls;

namespace Serverless.Functions.OpenApi;

/// <summary>The paths: one operation per HTTP [Function], its operation id being the function's name.</summary>
internal static class OpenApiOperations
{
    public static void AddTo(OpenApiDocument document)
    {
        var keyed = KeyRequirement(document);
        var callId = PathParameter("id", "Call ID", "Call id (the id of a call the API returned).");
        var waId = PathParameter("waId", "WhatsApp user", "The WhatsApp user's id (phone number digits, no '+').");

        Add(document, "/calls", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "PlaceCall",
            Summary = "Place a call",
            Description = "Starts an outbound call to a WhatsApp user. Send Idempotency-Key to make retries safe.",
            Parameters =
            [
                IdempotencyKey("Retries with the same key return the same call."),
                Advanced(QueryParameter(
                    "wait",
                    "Wait for the result",
                    "true: the 202's Location is the call's result URL, which answers 202 with Retry-After until the call ended, then 200 with the final call "
                        + "(Logic Apps and Power Automate poll it: the action completes when the call is over). Prefer: respond-async does the same.",
                    new OpenApiSchema { Type = JsonSchemaType.Boolean })),
            ],
            RequestBody = JsonBody(document, OpenApiSchemas.DialRequest, "Call", "The call to place."),
            Responses = Responses(
                document,
                ("202", "Accepted; the call is being placed.", OpenApiSchemas.Call),
                ("400", "Invalid request.", OpenApiSchemas.Problem),
                ("403", "The user has not allowed calls (ask with RequestCallPermission), opted out (user-opted-out), or too many calls in a row went unanswered.", OpenApiSchemas.Problem),
                ("413", "The body is too large.", OpenApiSchemas.Problem),
                ("429", "Too many calls, by type: call-rate-limited (new calls come faster than the deployment's app-wide call rate; nothing was stored; retry after Retry-After seconds) or call-limit-reached (Meta's call limit for this user is used up).", OpenApiSchemas.Problem),
                ("502", "Meta refused the permission lookup or could not be reached.", OpenApiSchemas.Problem),
                ("503", "Retry after Retry-After seconds, by type: no-media-capacity (every live MediaNode is full or draining; nothing was stored), media-unavailable (no MediaNode could be asked), permission-lookup-rate-limited (Meta's call_permissions limit is hit).", OpenApiSchemas.Problem)),
        }, keyed);
        RetryAfterHeader(document.Paths["/calls"].Operations![HttpMethod.Post].Responses!["429"], "Seconds until a new call is accepted (call-rate-limited).");

        PollingHeaders(document.Paths["/calls"].Operations![HttpMethod.Post].Responses!["202"], "The call (GET /api/calls/{id}); with wait=true its result URL (GET /api/calls/{id}/result).");

        Add(document, "/calls/{id}/result", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallResult",
            Summary = "Get a call's result",
            Description = "The result URL of a call placed with wait=true: 202 with Location and Retry-After while the call goes on, 200 with the final call "
                + "(outcome, inputs, recording, media, lastError) once it ended and its results are in.",
            Parameters = [callId],
            Responses = Responses(
                document,
                ("200", "The call is over: its final state and results.", OpenApiSchemas.Call),
                ("202", "The call goes on: poll Location again after Retry-After seconds.", OpenApiSchemas.Call),
                ("404", "No such call.", OpenApiSchemas.Problem)),
        }, keyed);
        PollingHeaders(document.Paths["/calls/{id}/result"].Operations![HttpMethod.Get].Responses!["202"], "This result URL: poll it again.");

        Add(document, "/calls", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "ListCalls",
            Summary = "List calls",
            Description = "Lists calls newest first, one page at a time (follow continuationToken; a page may be short or empty while it is set); since= reads only recent calls.",
            Parameters =
            [
                QueryParameter("state", "State", "Only calls in this state.", OpenApiSchemas.Enumerated(Enum.GetValues<CallState>().Select(WireText.Of))),
                QueryParameter("since", "Created since", "Only calls created at or after this ISO 8601 time.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
                Advanced(QueryParameter("pageSize", "Page size", "Calls per page (1-1000, default 50).", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" })),
                Advanced(QueryParameter("continuationToken", "Continuation token", "Token of the next page from the previous response.", new OpenApiSchema { Type = JsonSchemaType.String })),
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
            RequestBody = JsonBody(document, OpenApiSchemas.PlayRequest, "Playback", "What to play."),
            Responses = Responses(document, ("202", "Accepted; the play is on its way to the call's media node.", OpenApiSchemas.Play), ("400", "Invalid request.", OpenApiSchemas.Problem), ("404", "No such call.", OpenApiSchemas.Problem), ("409", "The call is not connected.", OpenApiSchemas.Problem), ("503", "The call's media node could not be reached.", OpenApiSchemas.Problem)),
        }, keyed);

        var dialId = PathParameter("id", "Dial ID", "Dial id (the id of a dial the API returned).");

        Add(document, "/dials", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = "ScheduleDial",
            Summary = "Schedule a dial",
            Description = "Places a call later and/or retries it on chosen outcomes. Send Idempotency-Key to make retries safe.",
            Parameters =
            [
                IdempotencyKey("Retries with the same key return the same dial."),
            ],
            RequestBody = JsonBody(document, OpenApiSchemas.DialScheduleRequest, "Dial", "The dial to schedule."),
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
            RequestBody = JsonBody(document, OpenApiSchemas.CallPermissionRequest, "Message", "Optional message text.", required: false),
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

        // Admin level: a connection's function key gets 401, so the connector leaves it out (NotInConnector).
        Add(document, "/settings/calling", HttpMethod.Put, Internal(new OpenApiOperation
        {
            OperationId = "PutCallingSettings",
            Summary = "Update calling settings",
            Description = "Updates the phone number's calling settings at Meta (enable calling, hours, callback permission). "
                + "Needs the Function App's master (admin) key; host and function keys get 401.",
            Parameters = [PhoneNumberIdQuery()],
            RequestBody = JsonBody(document, OpenApiSchemas.CallingSettings, "Settings", "The settings to change."),
            Responses = Responses(document, ("200", "Updated.", OpenApiSchemas.CallingSettings), ("400", "Invalid settings.", OpenApiSchemas.Problem), ("401", "Not the master key.", null)),
        }), keyed);

        Add(document, "/phone-numbers", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = Api.PhoneNumbersApi.FunctionName,
            Summary = "List business phone numbers",
            Description = "The business phone numbers this deployment serves: the values from and phoneNumberId accept.",
            Responses = Responses(document, ("200", "The numbers, the default first.", OpenApiSchemas.PhoneNumberList)),
            Extensions = Visibility("advanced"),
        }, keyed);

        // An operator's tool, not a workflow action: Admin level (master key only), left out of the connector (NotInConnector).
        Add(document, "/users/{waId}", HttpMethod.Delete, Internal(new OpenApiOperation
        {
            OperationId = "EraseUser",
            Summary = "Erase a user's data",
            Description = "Erases everything stored about the user: calls with their history, recordings and callback deliveries, dials, held webhooks "
                + "and call-permission rows (an opt-out stays as a suppression row). Writes an audit record with the number masked. "
                + "Needs the Function App's master (admin) key; host and function keys get 401.",
            Parameters = [PathParameter("waId", "User's WhatsApp ID", "The WhatsApp user's id (phone number digits with the country code; a leading '+' is accepted).")],
            Responses = Responses(
                document,
                ("200", "Erased; the counts and the audit record's id.", OpenApiSchemas.UserErasure),
                ("400", "Not a valid phone number.", OpenApiSchemas.Problem),
                ("401", "Not the master key.", null),
                ("409", "The user has a call in progress (callIds); nothing was erased.", OpenApiSchemas.Problem)),
        }), keyed);

        Add(document, "/subscriptions", HttpMethod.Post, new OpenApiOperation
        {
            OperationId = Callbacks.SubscriptionsApi.SubscribeFunctionName,
            Summary = "When a call changes state",
            Description = "Triggers on the chosen call status events (ringing, connected, input, ended...) of every call, or of one business number's calls. "
                + "Each event is the status callback's body, signed with X-Callback-Signature-256. Subscribing answers 201 with Location, which unsubscribes.",
            RequestBody = JsonBody(document, OpenApiSchemas.SubscriptionRequest, "Subscription", "Where to send which events."),
            Responses = Responses(
                document,
                ("201", "Subscribed; Location is the subscription's URL (DELETE it to unsubscribe).", OpenApiSchemas.Subscription),
                ("400", "Invalid request (an unknown event type, a number this deployment does not serve, or a URL the callback guard refuses).", OpenApiSchemas.Problem),
                ("409", "Too many subscriptions.", OpenApiSchemas.Problem)),
            Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal)
            {
                ["x-ms-trigger"] = new JsonNodeExtension("single"),
                ["x-ms-notification-content"] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonObject
                {
                    ["description"] = "A call status event.",
                    ["schema"] = new System.Text.Json.Nodes.JsonObject { ["$ref"] = "#/definitions/" + OpenApiSchemas.CallEvent },
                }),
            },
        }, keyed);
        LocationHeader(document.Paths["/subscriptions"].Operations![HttpMethod.Post].Responses!["201"], "The subscription's URL: DELETE it to unsubscribe.");

        // Power Automate and Logic Apps call it through the Location above when a flow is turned off or deleted.
        Add(document, "/subscriptions/{id}", HttpMethod.Delete, Internal(new OpenApiOperation
        {
            OperationId = Callbacks.SubscriptionsApi.UnsubscribeFunctionName,
            Summary = "Delete a call events subscription",
            Description = "Ends a subscription: no event is sent to it afterwards.",
            Parameters = [PathParameter("id", "Subscription ID", "Subscription id (from the Location of the subscription).")],
            Responses = Responses(document, ("204", "Deleted.", null), ("404", "No such subscription.", OpenApiSchemas.Problem)),
        }), keyed);

        Add(document, "/analytics/calls", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "GetCallAnalytics",
            Summary = "Get call analytics",
            Description = "Outcome counts, answer and success rates, duration and setup-time percentiles, audio quality and top failure reasons "
                + "of the calls created in [from, to), grouped by day, hour, phone number, direction or outcome. Answered from hourly/daily/monthly rollups "
                + "updated when each call ends; percentiles are within percentileRelativeError.",
            Parameters =
            [
                QueryParameter("from", "From", "Start (inclusive): an ISO 8601 time at a whole UTC hour.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
                QueryParameter("to", "To", "End (exclusive): an ISO 8601 time at a whole UTC hour, at most 400 days after from.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
                QueryParameter("groupBy", "Group by", "day (default), hour (ranges up to 31 days), phoneNumber, direction or outcome.", OpenApiSchemas.Enumerated(["day", "hour", "phoneNumber", "direction", "outcome"])),
            ],
            Responses = Responses(document, ("200", "The analytics.", OpenApiSchemas.CallAnalytics), ("400", "Invalid query (missing or unaligned from/to, unknown groupBy, groupBy=agent, range too long).", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/analytics/calls/list", HttpMethod.Get, new OpenApiOperation
        {
            OperationId = "ListAnalyticsCalls",
            Summary = "List the calls behind an analytics group",
            Description = "The ended calls created in [from, to) (as analytics counts them), optionally of one business number, direction and outcome, "
                + "newest first: the drill-down from a group of GET /analytics/calls (a day is from=that day, to=the next). No user phone numbers.",
            Parameters =
            [
                QueryParameter("from", "From", "Start (inclusive): an ISO 8601 time at a whole UTC hour.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
                QueryParameter("to", "To", "End (exclusive): an ISO 8601 time at a whole UTC hour, at most 400 days after from.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
                WithPhoneNumberChoices(QueryParameter("phoneNumberId", "Phone number id", "Only calls of this business phone number id.", new OpenApiSchema { Type = JsonSchemaType.String })),
                QueryParameter("direction", "Direction", "Only outbound or inbound calls.", OpenApiSchemas.Enumerated(["outbound", "inbound"])),
                QueryParameter("outcome", "Outcome", "Only calls with this outcome.", OpenApiSchemas.Enumerated(["completed", "rejected", "noAnswer", "cancelled", "failed"])),
                QueryParameter("pageSize", "Page size", "1-1000 (default 50).", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" }),
                QueryParameter("continuationToken", "Continuation token", "From the previous page.", new OpenApiSchema { Type = JsonSchemaType.String }),
            ],
            Responses = Responses(document, ("200", "The calls.", OpenApiSchemas.AnalyticsCallList), ("400", "Invalid query (missing or unaligned from/to, unknown direction or outcome, range too long).", OpenApiSchemas.Problem)),
        }, keyed);

        Add(document, "/analytics/backfill", HttpMethod.Post, Internal(new OpenApiOperation
        {
            OperationId = "StartAnalyticsBackfill",
            Summary = "Start the analytics backfill",
            Description = "Counts the ended calls still stored (created before now) into the analytics rollups, a page per queue message; "
                + "each call counts once however often it is seen (also when it was counted live). Starting again supersedes an unfinished run. "
                + "Needs the Function App's master (admin) key.",
            Responses = Responses(document, ("202", "Started: the run's state (runId, startedAt, until, pages, calls).", null), ("401", "Not the master key.", null)),
        }), keyed);

        Add(document, "/analytics/backfill", HttpMethod.Get, Internal(new OpenApiOperation
        {
            OperationId = "GetAnalyticsBackfill",
            Summary = "Get the analytics backfill's progress",
            Description = "The last run: pages and calls done, finishedAt once the last page is. Needs the Function App's master (admin) key.",
            Responses = Responses(document, ("200", "The run's state.", null), ("404", "No backfill has run.", OpenApiSchemas.Problem), ("401", "Not the master key.", null)),
        }), keyed);

        // Called by Meta and by the MediaNodes, not by workflows: anonymous (signature-checked), marked internal and
        // left out of the Power Automate connector (NotInConnector).
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

        // The agent console: the page's own calls, anonymous at the host level and checked for a signed-in agent
        // (App Service authentication's X-MS-CLIENT-PRINCIPAL, not a key); not for the connector.
        foreach (var (id, path, method, summary, description) in ConsoleOperations)
        {
            Add(document, path, method, Internal(new OpenApiOperation
            {
                OperationId = id,
                Summary = summary,
                Description = description + " Needs a signed-in agent (App Service authentication); keys do not open it.",
                Parameters = [.. PathNames(path).Select(n => PathParameter(n, n == "id" ? "Call ID" : n == "waId" ? "WhatsApp user" : "File", n))],
                Responses = Responses(document, ("200", "Done.", null), ("401", "Not signed in.", OpenApiSchemas.Problem), ("403", "Signed in, not an agent.", OpenApiSchemas.Problem)),
            }), keyed: null);
        }

        // The analytics dashboard: the same sign-in, its own app role (Analytics:DashboardRole); not for the connector.
        foreach (var (id, path, method, summary, description) in DashboardOperations)
        {
            Add(document, path, method, Internal(new OpenApiOperation
            {
                OperationId = id,
                Summary = summary,
                Description = description + " Needs a signed-in user with the dashboard's app role (App Service authentication); keys do not open it.",
                Parameters = [.. PathNames(path).Select(n => PathParameter(n, "File", n))],
                Responses = Responses(document, ("200", "Done.", null), ("401", "Not signed in.", OpenApiSchemas.Problem), ("403", "Signed in, without the dashboard's role.", OpenApiSchemas.Problem)),
            }), keyed: null);
        }

        Add(document, "/console/queues/{name}", HttpMethod.Put, Internal(new OpenApiOperation
        {
            OperationId = "PutConsoleQueue",
            Summary = "Set up an agent queue",
            Description = "Creates or replaces a queue of the agent console: {ringStrategy: all|longestIdle, holdPrompt?, members?: [agent ids]}. "
                + "holdPrompt is a prompt source as in an audio plan (400 otherwise); callers of a connectAgent step naming no hold prompt of "
                + "its own hear it. Needs the Function App's master (admin) key.",
            Parameters = [PathParameter("name", "Queue", "The queue's name (1-64 letters, digits, '-', '_', '.').")],
            Responses = Responses(document, ("200", "Stored.", null), ("400", "Invalid queue.", OpenApiSchemas.Problem), ("401", "Not the master key.", null)),
        }), keyed);

        // Every operation that reads or writes the app's storage answers an outage with 503 storage-unavailable and
        // Retry-After (Http/StorageOutage), so clients branch on the type and wait rather than see an empty 500.
        foreach (var (path, method) in new (string, HttpMethod)[]
        {
            ("/calls", HttpMethod.Post), ("/calls/{id}/result", HttpMethod.Get), ("/calls", HttpMethod.Get), ("/calls/{id}", HttpMethod.Get),
            ("/calls/{id}/recording", HttpMethod.Get), ("/calls/{id}", HttpMethod.Delete), ("/calls/{id}/play", HttpMethod.Post),
            ("/dials", HttpMethod.Post), ("/dials/{id}", HttpMethod.Get), ("/dials/{id}", HttpMethod.Delete),
            ("/analytics/calls", HttpMethod.Get), ("/analytics/calls/list", HttpMethod.Get),
        })
        {
            StorageUnavailable(document, document.Paths[path].Operations![method]);
        }

        Add(document, "/openapi.json", HttpMethod.Get, Internal(new OpenApiOperation
        {
            OperationId = OpenApiFunction.FunctionName,
            Summary = "This OpenAPI document",
            Description = "The API description as Swagger 2.0.",
            Responses = Responses(document, ("200", "The document.", null)),
        }), keyed: null);
    }

    /// <summary>The agent console's page routes (AgentConsole/): operation id (= function name), path, method, summary, description.</summary>
    private static readonly (string Id, string Path, HttpMethod Method, string Summary, string Description)[] ConsoleOperations =
    [
        ("ConsolePage", "/console", HttpMethod.Get, "Agent console page", "The agent console (HTML; its script and style sheet are under /console/assets)."),
        ("ConsoleAsset", "/console/assets/{file}", HttpMethod.Get, "Agent console asset", "The console page's script or style sheet."),
        ("ConsoleMe", "/console/me", HttpMethod.Get, "Signed-in agent", "The signed-in agent, presence and the Web PubSub URL the page connects to."),
        ("ConsolePresence", "/console/presence", HttpMethod.Put, "Set presence", "{available: true|false}; becoming available rings the agent for calls already waiting."),
        ("ConsoleRinging", "/console/ringing", HttpMethod.Get, "Ringing calls", "The calls ringing for the agent, with the caller's profile name and number."),
        ("ConsoleAccept", "/console/calls/{id}/accept", HttpMethod.Post, "Accept a call", "The first accept wins (409 call-taken for the others)."),
        ("ConsoleDecline", "/console/calls/{id}/decline", HttpMethod.Post, "Decline a call", "Declines; a longest-idle queue rings the next agent."),
        ("ConsoleOffer", "/console/calls/{id}/offer", HttpMethod.Post, "Connect the agent leg", "{sdp}: the browser's WebRTC offer, sent to the call's media node (ConnectAgent); 202 {legId}."),
        ("ConsoleGetCall", "/console/calls/{id}", HttpMethod.Get, "A call in the console", "The call's summary and the agent leg (answer SDP, connected, muted)."),
        ("ConsoleMute", "/console/calls/{id}/mute", HttpMethod.Post, "Mute the agent", "{muted: true|false}: the node stops or resumes forwarding the agent's audio."),
        ("ConsoleHandBack", "/console/calls/{id}/handback", HttpMethod.Post, "Hand the caller back", "The agent leaves (202); the caller stays and the call's plan goes on with its next step."),
        ("ConsoleHangup", "/console/calls/{id}/hangup", HttpMethod.Post, "Hang up", "Ends the whole call (Meta's terminate), as DELETE /calls/{id}."),
        ("ConsoleRecentCalls", "/console/calls", HttpMethod.Get, "Recent calls", "Newest first: outcome, duration, agent, queue, quality, whether there is a recording."),
        ("ConsoleRecording", "/console/calls/{id}/recording", HttpMethod.Get, "A call's recording", "302 to a fresh read-only link."),
        ("ConsoleDial", "/console/dial", HttpMethod.Post, "Place a call", "{to}: an outbound call that connects the agent once the user answers; the dial API's checks apply (403 without call permission)."),
        ("ConsoleRequestPermission", "/console/permissions/{waId}/request", HttpMethod.Post, "Ask for call permission", "Sends the user a call permission request (the permission API's limits apply)."),
    ];

    /// <summary>The analytics dashboard's routes (Analytics/Dashboard/): operation id (= function name), path, method, summary, description.</summary>
    private static readonly (string Id, string Path, HttpMethod Method, string Summary, string Description)[] DashboardOperations =
    [
        ("DashboardPage", "/dashboard", HttpMethod.Get, "Analytics dashboard page", "The dashboard (HTML; its script, style sheet and Chart.js are under /dashboard/assets)."),
        ("DashboardAsset", "/dashboard/assets/{file}", HttpMethod.Get, "Analytics dashboard asset", "The dashboard's script, style sheet or Chart.js."),
        ("DashboardMe", "/dashboard/me", HttpMethod.Get, "Signed-in analyst", "The signed-in user's name and the role that let them in."),
        ("DashboardAnalytics", "/dashboard/analytics/calls", HttpMethod.Get, "Call analytics (dashboard)", "GET /analytics/calls for the signed-in analyst (same query and answer)."),
        ("DashboardCalls", "/dashboard/analytics/calls/list", HttpMethod.Get, "Calls behind a group (dashboard)", "GET /analytics/calls/list for the signed-in analyst (same query and answer)."),
    ];

    /// <summary>
    /// Operations the connector leaves out: what Meta and the MediaNodes call (anonymous, signature-checked), this
    /// document itself, and Admin-level operations a connection's function key cannot call.
    /// </summary>
    public static readonly IReadOnlySet<string> NotInConnector = new HashSet<string>(
        ["VerifyWebhook", "ReceiveWebhook", "MediaEvents", OpenApiFunction.FunctionName, "PutCallingSettings", "EraseUser", "PutConsoleQueue",
            "StartAnalyticsBackfill", "GetAnalyticsBackfill",
            .. ConsoleOperations.Select(o => o.Id), .. DashboardOperations.Select(o => o.Id)],
        StringComparer.Ordinal);

    private static IEnumerable<string> PathNames(string path) =>
        path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}'));

    private static void PollingHeaders(IOpenApiResponse response, string location) =>
        ((OpenApiResponse)response).Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
        {
            ["Location"] = new OpenApiHeader { Description = location, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before polling (with wait=true).", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" } },
        };

    private static void RetryAfterHeader(IOpenApiResponse response, string description)
    {
        var concrete = (OpenApiResponse)response;
        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
        concrete.Headers["Retry-After"] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" } };
    }

    /// <summary>Adds <c>storage-unavailable</c> to the operation's 503 (creating it when the operation had none), with Retry-After.</summary>
    private static void StorageUnavailable(OpenApiDocument document, OpenApiOperation operation)
    {
        const string Text = "storage-unavailable (the app's storage could not be read or written; a dial with the same Idempotency-Key places one call)";
        var responses = operation.Responses!;
        if (responses.TryGetValue("503", out var existing))
        {
            var concrete = (OpenApiResponse)existing;
            concrete.Description = concrete.Description!.StartsWith("Retry after", StringComparison.Ordinal)
                ? concrete.Description.TrimEnd('.') + ", " + Text + "."
                : concrete.Description.TrimEnd('.') + ". Or " + Text + ".";
        }
        else
        {
            foreach (var (status, response) in Responses(document, ("503", "Retry after Retry-After seconds, by type: " + Text + ".", OpenApiSchemas.Problem)))
            {
                responses.Add(status, response);
            }
        }

        RetryAfterHeader(responses["503"], "Seconds to wait before retrying.");
    }

    private static void LocationHeader(IOpenApiResponse response, string description) =>
        ((OpenApiResponse)response).Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
        {
            ["Location"] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        };

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
        operation.Extensions = Visibility(PowerPlatform.Internal);
        return operation;
    }

    private static Dictionary<string, IOpenApiExtension> Visibility(string visibility) => new(StringComparer.Ordinal)
    {
        ["x-ms-visibility"] = new JsonNodeExtension(visibility),
    };

    private static OpenApiSecurityRequirement[] KeyRequirement(OpenApiDocument document) =>
    [
        new() { [new OpenApiSecuritySchemeReference(OpenApiDocumentBuilder.FunctionKeyScheme, document)] = [] },
    ];

    private static OpenApiParameter PathParameter(string name, string summary, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Path,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        Extensions = PowerPlatform.Summary(summary),
    };

    private static OpenApiParameter QueryParameter(string name, string summary, string description, OpenApiSchema schema) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = schema,
        Extensions = PowerPlatform.Summary(summary),
    };

    private static OpenApiParameter IdempotencyKey(string description) => Advanced(new OpenApiParameter
    {
        Name = "Idempotency-Key",
        In = ParameterLocation.Header,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        Extensions = PowerPlatform.Summary("Idempotency key"),
    });

    /// <summary>Rarely set: shown under the action's advanced options.</summary>
    private static OpenApiParameter Advanced(OpenApiParameter parameter)
    {
        parameter.Extensions!["x-ms-visibility"] = new JsonNodeExtension("advanced");
        return parameter;
    }

    private static OpenApiParameter WithPhoneNumberChoices(OpenApiParameter parameter)
    {
        parameter.Extensions!["x-ms-dynamic-values"] = PowerPlatform.PhoneNumberChoices();
        return parameter;
    }

    private static OpenApiParameter PhoneNumberIdQuery()
    {
        var parameter = Advanced(QueryParameter(
            "phoneNumberId",
            "Business phone number",
            "Business phone number id, one this deployment serves (else 400); the deployment's default when omitted.",
            new OpenApiSchema { Type = JsonSchemaType.String }));
        parameter.Extensions!["x-ms-dynamic-values"] = PowerPlatform.PhoneNumberChoices();
        return parameter;
    }

    private static OpenApiRequestBody JsonBody(OpenApiDocument document, string schema, string summary, string description, bool required = true) => new()
    {
        Required = required,
        Description = description,
        Extensions = PowerPlatform.Summary(summary),
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
