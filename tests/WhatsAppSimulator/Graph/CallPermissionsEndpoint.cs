using System.Net;
using Microsoft.AspNetCore.Http;
using Serverless.Testing.WhatsAppSimulator.Permissions;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary><c>GET /{version}/{phone-number-id}/call_permissions?user_wa_id=</c> (§3), limited to N reads/s (613).</summary>
internal sealed class CallPermissionsEndpoint(GraphGate gate, CallPermissionTable permissions, SlidingWindowLimiter limiter)
{
    public async Task HandleAsync(HttpContext context, string version, string phoneNumberId)
    {
        if (gate.Check(context, version, phoneNumberId, out _) is { } denied)
        {
            await GraphHttp.WriteErrorAsync(context, denied);
            return;
        }

        var user = context.Request.Query["user_wa_id"].ToString();
        if (string.IsNullOrEmpty(user))
        {
            await GraphHttp.WriteErrorAsync(context, GraphErrors.MissingParameter("user_wa_id"));
            return;
        }

        if (!limiter.TryAcquire(phoneNumberId))
        {
            await GraphHttp.WriteErrorAsync(context, GraphErrors.CallPermissionsRateLimit());
            return;
        }

        var json = GraphHttp.WriteObject(w => permissions.WriteCallPermissions(w, user));
        await GraphHttp.WriteJsonAsync(context, json, HttpStatusCode.OK);
    }
}
