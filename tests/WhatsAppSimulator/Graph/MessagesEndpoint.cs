using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Testing.WhatsAppSimulator.Permissions;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>
/// <c>POST /{version}/{phone-number-id}/messages</c>: validates the interactive call_permission_request (§3),
/// counts it against the request limits and answers with the normal messages response. Plain text messages are
/// accepted too, since a product may send them around calls.
/// </summary>
internal sealed class MessagesEndpoint(GraphGate gate, CallPermissionTable permissions, PermissionRequestResponder responder, bool sendReceipts)
{
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

        var body = document.RootElement;
        var to = GraphHttp.String(body, "to");
        var shapeError = CheckShape(body, out var isPermissionRequest);
        var error = CallsEndpoint.CheckMessagingProduct(body)
            ?? (to is null ? GraphErrors.MissingParameter("to") : null)
            ?? (to is not null && !GraphHttp.IsDigits(to) ? GraphErrors.InvalidParameter("to must be a phone number in digits") : null)
            ?? shapeError;
        if (error is null && isPermissionRequest)
        {
            error = permissions.StatusOf(to!) == CallPermissionStatus.Permanent
                ? GraphErrors.PermanentPermissionExists()
                : !permissions.TryRecordPermissionRequest(to!) ? GraphErrors.PermissionRequestLimit() : null;
        }

        if (error is not null)
        {
            await GraphHttp.WriteErrorAsync(context, error);
            return;
        }

        var messageId = PermissionRequestResponder.NewMessageId();
        if (sendReceipts)
        {
            responder.SendReceipts(business!, to!, messageId);
        }

        if (isPermissionRequest)
        {
            responder.Schedule(business!, to!, messageId);
        }

        var json = GraphHttp.WriteObject(w =>
        {
            w.WriteStartObject();
            w.WriteString("messaging_product", "whatsapp");
            w.WriteStartArray("contacts");
            w.WriteStartObject();
            w.WriteString("input", to);
            w.WriteString("wa_id", to);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("id", messageId);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        await GraphHttp.WriteJsonAsync(context, json, HttpStatusCode.OK);
    }

    private static GraphError? CheckShape(JsonElement body, out bool isPermissionRequest)
    {
        isPermissionRequest = false;
        var type = GraphHttp.String(body, "type") ?? "text";
        if (type == "text")
        {
            return body.TryGetProperty("text", out var text) && GraphHttp.String(text, "body") is { Length: > 0 }
                ? null
                : GraphErrors.MissingParameter("text[body]");
        }

        if (type != "interactive")
        {
            return GraphErrors.ParameterNotOneOf("type", "text, interactive", type);
        }

        if (!body.TryGetProperty("interactive", out var interactive) || interactive.ValueKind != JsonValueKind.Object)
        {
            return GraphErrors.MissingParameter("interactive");
        }

        var interactiveType = GraphHttp.String(interactive, "type");
        if (interactiveType != "call_permission_request")
        {
            return GraphErrors.ParameterNotOneOf("interactive[type]", "call_permission_request", interactiveType ?? string.Empty);
        }

        if (!interactive.TryGetProperty("action", out var action) || GraphHttp.String(action, "name") != "call_permission_request")
        {
            return GraphErrors.InvalidParameter("interactive.action.name must be call_permission_request");
        }

        // Free-form permission requests allow an optional body and no header or footer (§3).
        if (GraphHttp.Has(interactive, "header") || GraphHttp.Has(interactive, "footer"))
        {
            return GraphErrors.InvalidParameter("header and footer are not supported for call_permission_request");
        }

        if (GraphHttp.Has(interactive, "body") && GraphHttp.String(interactive.GetProperty("body"), "text") is null)
        {
            return GraphErrors.MissingParameter("interactive[body][text]");
        }

        isPermissionRequest = true;
        return null;
    }
}
