using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Sdp;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary><c>POST /{version}/{phone-number-id}/calls</c> (meta-calling-api.md §1).</summary>
internal sealed class CallsEndpoint(GraphGate gate, CallEngine engine)
{
    private const string Actions = "connect, pre_accept, accept, reject, terminate";
    private const int MaxOpaqueLength = 512;

    public async Task HandleAsync(HttpContext context, string version, string phoneNumberId)
    {
        if (gate.Check(context, version, phoneNumberId, out var business) is { } denied)
        {
            await GraphHttp.WriteErrorAsync(context, denied);
            return;
        }

        using var document = GraphHttp.ParseObject(context);
        if (document is null)
        {
            await GraphHttp.WriteErrorAsync(context, GraphErrors.MalformedBody());
            return;
        }

        var outcome = await DispatchAsync(business!, document.RootElement, context.RequestAborted);
        if (outcome.Error is { } error)
        {
            await GraphHttp.WriteErrorAsync(context, error);
        }
        else if (outcome.Call is { } call && outcome.IsConnect)
        {
            var json = GraphHttp.WriteObject(w =>
            {
                w.WriteStartObject();
                w.WriteString("messaging_product", "whatsapp");
                w.WriteStartArray("calls");
                w.WriteStartObject();
                w.WriteString("id", call.Id);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
            await GraphHttp.WriteJsonAsync(context, json, HttpStatusCode.OK);
        }
        else
        {
            await GraphHttp.WriteSuccessAsync(context);
        }
    }

    private async Task<Result> DispatchAsync(BusinessPhoneNumber business, JsonElement body, CancellationToken cancellationToken)
    {
        if (CheckMessagingProduct(body) is { } productError)
        {
            return new Result(CallOutcome.Fail(productError), false);
        }

        var action = GraphHttp.String(body, "action");
        if (action is null)
        {
            return new Result(CallOutcome.Fail(GraphErrors.MissingParameter("action")), false);
        }

        var opaque = GraphHttp.String(body, "biz_opaque_callback_data");
        if (opaque is { Length: > MaxOpaqueLength })
        {
            return new Result(CallOutcome.Fail(GraphErrors.InvalidParameter($"biz_opaque_callback_data must be at most {MaxOpaqueLength} characters")), false);
        }

        if (action == "connect")
        {
            return new Result(Connect(business, body, opaque), true);
        }

        if (action is not ("pre_accept" or "accept" or "reject" or "terminate"))
        {
            return new Result(CallOutcome.Fail(GraphErrors.ParameterNotOneOf("action", Actions, action)), false);
        }

        var callId = GraphHttp.String(body, "call_id");
        if (callId is null)
        {
            return new Result(CallOutcome.Fail(GraphErrors.MissingParameter("call_id")), false);
        }

        switch (action)
        {
            case "reject":
                return new Result(engine.Reject(business, callId), false);
            case "terminate":
                return new Result(engine.Terminate(business, callId), false);
        }

        // pre_accept and accept carry the business's answer (§1b/§1c; "answer" is right, PR #522).
        if (ReadSession(body, "answer", out var sdp) is { } sessionError)
        {
            return new Result(CallOutcome.Fail(sessionError), false);
        }

        var outcome = action == "pre_accept"
            ? await engine.PreAcceptAsync(business, callId, sdp!, cancellationToken)
            : await engine.AcceptAsync(business, callId, sdp!, opaque, cancellationToken);
        return new Result(outcome, false);
    }

    private CallOutcome Connect(BusinessPhoneNumber business, JsonElement body, string? opaque)
    {
        var to = GraphHttp.String(body, "to");
        if (to is null)
        {
            return CallOutcome.Fail(GraphErrors.MissingParameter("to"));
        }

        if (!GraphHttp.IsDigits(to))
        {
            return CallOutcome.Fail(GraphErrors.InvalidParameter("to must be a phone number in digits with country code and no '+'"));
        }

        if (ReadSession(body, "offer", out var sdp) is { } sessionError)
        {
            return CallOutcome.Fail(sessionError);
        }

        return engine.Connect(business, to, sdp!, opaque);
    }

    internal static GraphError? CheckMessagingProduct(JsonElement body)
    {
        var product = GraphHttp.String(body, "messaging_product");
        if (product is null)
        {
            return GraphErrors.MissingParameter("messaging_product");
        }

        return product == "whatsapp" ? null : GraphErrors.ParameterNotOneOf("messaging_product", "whatsapp", product);
    }

    private static GraphError? ReadSession(JsonElement body, string expectedType, out string? sdp)
    {
        sdp = null;
        if (!body.TryGetProperty("session", out var session) || session.ValueKind != JsonValueKind.Object)
        {
            return GraphErrors.MissingParameter("session");
        }

        var type = GraphHttp.String(session, "sdp_type");
        if (type is null)
        {
            return GraphErrors.MissingParameter("session[sdp_type]");
        }

        if (type != expectedType)
        {
            return GraphErrors.ParameterNotOneOf("session[sdp_type]", expectedType, type);
        }

        sdp = GraphHttp.String(session, "sdp");
        if (string.IsNullOrEmpty(sdp))
        {
            return GraphErrors.MissingParameter("session[sdp]");
        }

        return SdpScreen.Check(sdp) switch
        {
            SdpCheck.Valid => null,
            SdpCheck.FingerprintNotSha256 => GraphErrors.FingerprintNotSha256(),
            SdpCheck.MissingFingerprint => GraphErrors.InvalidParameter("SDP has no a=fingerprint line"),
            _ => GraphErrors.InvalidParameter("SDP is not a valid audio session description"),
        };
    }

    private readonly record struct Result(CallOutcome Outcome, bool IsConnect)
    {
        public GraphError? Error => Outcome.Error;

        public SimulatedCall? Call => Outcome.Call;
    }
}
