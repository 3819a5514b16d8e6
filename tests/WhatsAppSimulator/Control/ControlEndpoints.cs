using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Faults;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Control;

/// <summary>
/// The simulator's own control API under <c>/_sim</c>, for the console app and out-of-process tests:
/// permissions, user scripts, inbound calls, hang-ups, the request log and the webhook log and hooks.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, WhatsAppSimulator sim)
    {
        app.MapPost("/_sim/permissions/{waId}", (string waId, bool? permanent) =>
        {
            sim.Permissions.Grant(waId, permanent ?? false);
            return Results.Json(new JsonObject { ["wa_id"] = waId, ["status"] = sim.Permissions.StatusOf(waId).ToString() });
        });
        app.MapDelete("/_sim/permissions/{waId}", (string waId) =>
        {
            sim.Permissions.Revoke(waId);
            return Results.Json(new JsonObject { ["wa_id"] = waId, ["status"] = sim.Permissions.StatusOf(waId).ToString() });
        });
        app.MapPut("/_sim/users/{waId}", (string waId, HttpContext context) => SetUser(sim, waId, context));
        app.MapPost("/_sim/inbound", StartInboundAsync(sim));
        app.MapPost("/_sim/calls/{callId}/hangup", (string callId) =>
            sim.HangUpAsUser(callId) ? Results.Ok() : Results.NotFound());
        app.MapGet("/_sim/calls", () => Results.Json(new JsonArray([.. sim.Calls.Select(Describe)])));
        app.MapGet("/_sim/requests", () => Results.Json(new JsonArray([.. sim.Requests.Snapshot().Select(r => (JsonNode)new JsonObject
        {
            ["received_at"] = r.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
            ["method"] = r.Method,
            ["path"] = r.Path,
            ["query"] = r.QueryString,
            ["body"] = r.BodyText,
        })])));
        app.MapGet("/_sim/webhooks", () => Results.Json(new JsonArray([.. sim.Webhooks.Deliveries.Select(d => (JsonNode)new JsonObject
        {
            ["id"] = d.Id,
            ["state"] = d.State.ToString(),
            ["attempts"] = new JsonArray([.. d.Attempts.Select(a => (JsonNode)new JsonObject { ["status"] = a.StatusCode, ["error"] = a.Error })]),
            ["body"] = d.BodyText,
        })])));
        app.MapPost("/_sim/webhooks/{id}/redeliver", async (string id, CancellationToken ct) =>
            Results.Json(new JsonObject { ["status"] = await sim.Webhooks.RedeliverAsync(id, ct) }));
        app.MapPost("/_sim/faults", (HttpContext context) => InjectFault(sim, context));
        app.MapDelete("/_sim/faults", () =>
        {
            sim.Faults.Clear();
            return Results.Ok();
        });
        app.MapPost("/_sim/webhooks/deliver-twice", (bool? enabled) =>
        {
            sim.Webhooks.DeliverTwice = enabled ?? true;
            return Results.Ok();
        });
        app.MapPost("/_sim/webhooks/hold", () =>
        {
            sim.Webhooks.Hold();
            return Results.Ok();
        });
        app.MapPost("/_sim/webhooks/release", (int? shuffleSeed, bool? batch) =>
            Results.Json(new JsonObject { ["released"] = sim.Webhooks.ReleaseHeld(shuffleSeed, batch ?? false) }));
    }

    private static Func<HttpContext, Task<IResult>> StartInboundAsync(WhatsAppSimulator sim) => async context =>
    {
        var body = JsonNode.Parse(context.Items[Graph.GraphHttp.BodyItem] as byte[] ?? []) as JsonObject;
        var from = body?["from"]?.GetValue<string>();
        if (string.IsNullOrEmpty(from))
        {
            return Results.BadRequest(new JsonObject { ["error"] = "from is required" });
        }

        var call = await sim.StartInboundCallAsync(from, new InboundCallOptions
        {
            ProfileName = body?["name"]?.GetValue<string>(),
            PhoneNumberId = body?["phone_number_id"]?.GetValue<string>(),
        }, context.RequestAborted);
        return Results.Json(new JsonObject { ["call_id"] = call.Id });
    };

    // {"kind":"503"|"429","count":3,"edge":"calls","after_processing":false}
    private static IResult InjectFault(WhatsAppSimulator sim, HttpContext context)
    {
        var body = JsonNode.Parse(context.Items[Graph.GraphHttp.BodyItem] as byte[] ?? []) as JsonObject ?? [];
        var edge = body["edge"]?.GetValue<string>();
        var after = body["after_processing"]?.GetValue<bool>() ?? false;
        GraphFault? fault = body["kind"]?.GetValue<string>() switch
        {
            "503" => GraphFault.ServiceUnavailable(edge, after),
            "429" => GraphFault.RateLimited(edge) with { AfterProcessing = after },
            _ => null,
        };
        if (fault is null)
        {
            return Results.BadRequest(new JsonObject { ["error"] = "kind must be 503 or 429" });
        }

        sim.Faults.Inject(fault, body["count"]?.GetValue<int>() ?? 1);
        return Results.Json(new JsonObject { ["pending"] = sim.Faults.PendingCount });
    }

    private static IResult SetUser(WhatsAppSimulator sim, string waId, HttpContext context)
    {
        var body = JsonNode.Parse(context.Items[Graph.GraphHttp.BodyItem] as byte[] ?? []) as JsonObject ?? [];
        var reaction = Enum.TryParse<OutboundReaction>(body["reaction"]?.GetValue<string>(), ignoreCase: true, out var r) ? r : OutboundReaction.Answer;
        var reply = Enum.TryParse<PermissionReply>(body["permission_reply"]?.GetValue<string>(), ignoreCase: true, out var p) ? p : PermissionReply.None;
        var behavior = new SimulatedUserBehavior
        {
            Reaction = reaction,
            ReactAfter = Seconds(body["react_after_seconds"]) ?? TimeSpan.FromSeconds(2),
            HangUpAfter = Seconds(body["hang_up_after_seconds"]),
            ProfileName = body["profile_name"]?.GetValue<string>() ?? "Simulated User",
            PermissionReply = reply,
        };
        sim.Users.Set(waId, behavior);
        return Results.Ok();
    }

    private static TimeSpan? Seconds(JsonNode? node) => node is null ? null : TimeSpan.FromSeconds(node.GetValue<double>());

    private static JsonNode Describe(SimulatedCall call) => new JsonObject
    {
        ["id"] = call.Id,
        ["direction"] = call.DirectionWire,
        ["user_wa_id"] = call.UserWaId,
        ["phase"] = call.Phase.ToString(),
        ["end_status"] = call.EndStatus,
    };
}
