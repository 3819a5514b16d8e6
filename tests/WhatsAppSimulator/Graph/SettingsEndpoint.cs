using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Testing.WhatsAppSimulator.Settings;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary><c>GET</c>/<c>POST /{version}/{phone-number-id}/settings</c>: the <c>calling</c> object (§4).</summary>
internal sealed class SettingsEndpoint(GraphGate gate, CallSettingsStore store)
{
    private static readonly byte[] Success = """{"success":true}"""u8.ToArray();

    public async Task GetAsync(HttpContext context, string version, string phoneNumberId)
    {
        if (gate.Check(context, version, phoneNumberId, out _) is { } denied)
        {
            await GraphHttp.WriteErrorAsync(context, denied);
            return;
        }

        var json = new JsonObject { ["calling"] = store.Get(phoneNumberId) }.ToJsonString();
        await GraphHttp.WriteJsonAsync(context, System.Text.Encoding.UTF8.GetBytes(json), HttpStatusCode.OK);
    }

    public async Task PostAsync(HttpContext context, string version, string phoneNumberId)
    {
        if (gate.Check(context, version, phoneNumberId, out _) is { } denied)
        {
            await GraphHttp.WriteErrorAsync(context, denied);
            return;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(GraphHttp.Body(context));
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is not JsonObject body || body["calling"] is not JsonObject calling)
        {
            await GraphHttp.WriteErrorAsync(context, GraphErrors.MissingParameter("calling"));
            return;
        }

        if (store.Update(phoneNumberId, calling) is { } error)
        {
            await GraphHttp.WriteErrorAsync(context, error);
            return;
        }

        await GraphHttp.WriteJsonAsync(context, Success, HttpStatusCode.OK);
    }
}
