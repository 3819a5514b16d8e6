using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Graph;
using Serverless.Functions.Http;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Settings;

/// <summary>
/// <c>GET</c>/<c>PUT /api/settings/calling</c>: Meta's <c>calling</c> settings object as is (snake_case),
/// validated by <see cref="CallingSettingsValidator"/> before anything is sent. See README.md for the SIP caveat.
/// Writing is Admin level (the master key): a host or function key, as handed to integrations for dialling, can
/// read but never turn calling off or move SIP elsewhere. Only numbers in <c>Meta:PhoneNumberIds</c> are served.
/// </summary>
public sealed class CallingSettingsFunctions(IWhatsAppGraphClient graph, IOptions<MetaOptions> meta)
{
    private const int MaxBodyBytes = 64 * 1024;

    [Function("GetCallingSettings")]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "settings/calling")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (meta.Value.ResolveServed(request.Query["phoneNumberId"].ToString()) is not { } phoneNumberId)
        {
            return Problems.UnknownPhoneNumberId();
        }

        try
        {
            // Never include_sip_credentials: the API must not hand out SIP passwords.
            var settings = await graph.GetCallingSettingsAsync(phoneNumberId, includeSipCredentials: false, cancellationToken);
            return Json(settings, HttpStatusCode.OK);
        }
        catch (WhatsAppGraphException ex)
        {
            return SettingsProblems.FromGraph(ex);
        }
    }

    [Function("PutCallingSettings")]
    public async Task<IActionResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "settings/calling")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (meta.Value.ResolveServed(request.Query["phoneNumberId"].ToString()) is not { } phoneNumberId)
        {
            return Problems.UnknownPhoneNumberId();
        }

        CallingSettings? settings;
        try
        {
            var body = await BodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
            if (body is null)
            {
                return Problems.TooLarge(MaxBodyBytes);
            }

            if (body.Length == 0)
            {
                return SettingsProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", $"Send Meta's calling object as JSON, 1 to {MaxBodyBytes} bytes.");
            }

            settings = Parse(body);
        }
        catch (JsonException ex)
        {
            return SettingsProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", ex.Message);
        }

        if (settings is null || settings == new CallingSettings())
        {
            // An empty object would be sent as-is and could clear call hours at Meta: refuse it instead.
            return SettingsProblems.Create(HttpStatusCode.BadRequest, "invalid-body", "Invalid body", "The body sets no calling setting.");
        }

        var errors = CallingSettingsValidator.Validate(settings);
        if (errors.Count > 0)
        {
            return SettingsProblems.Create(
                HttpStatusCode.BadRequest, "invalid-calling-settings", "Calling settings are invalid",
                $"{errors.Count} problem(s); nothing was sent to Meta.",
                new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray() });
        }

        try
        {
            await graph.UpdateCallingSettingsAsync(phoneNumberId, settings, cancellationToken);
            return Json(settings, HttpStatusCode.OK);
        }
        catch (WhatsAppGraphException ex)
        {
            return SettingsProblems.FromGraph(ex);
        }
    }

    /// <summary>Meta's calling object, bare or inside Meta's own <c>{"calling": {…}}</c> envelope.</summary>
    private static CallingSettings? Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("calling", out var inner) && root.EnumerateObject().Count() == 1)
        {
            root = inner;
        }

        return root.Deserialize(WhatsAppGraphJsonContext.Default.CallingSettings);
    }

    private static ContentResult Json(CallingSettings settings, HttpStatusCode status) => new()
    {
        Content = JsonSerializer.Serialize(settings with { Sip = settings.Sip is null ? null : StripPasswords(settings.Sip) }, WhatsAppGraphJsonContext.Default.CallingSettings),
        ContentType = "application/json",
        StatusCode = (int)status,
    };

    private static SipSettings StripPasswords(SipSettings sip) =>
        sip with { Servers = sip.Servers?.Select(s => s with { SipUserPassword = null }).ToList() };
}
