using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Calling settings of a business number (meta-calling-api.md §4).</summary>
public sealed partial class WhatsAppGraphClient
{
    /// <summary>Reads the <c>calling</c> settings; SIP passwords only when <paramref name="includeSipCredentials"/>.</summary>
    public async Task<CallingSettings> GetCallingSettingsAsync(
        string phoneNumberId, bool includeSipCredentials = false, CancellationToken cancellationToken = default)
    {
        var uri = _options.EdgeUri(
            GraphArguments.PhoneNumberId(phoneNumberId), "settings", includeSipCredentials ? "include_sip_credentials=true" : null);
        var response = await SendAsync(
            GraphAction.GetCallingSettings, HttpMethod.Get, uri, json: null,
            WhatsAppGraphJsonContext.Default.PhoneNumberSettings, cancellationToken);
        return response.Calling
            ?? throw new WhatsAppResponseFormatException(GraphAction.GetCallingSettings, System.Net.HttpStatusCode.OK, "it carried no \"calling\" object.");
    }

    /// <summary>
    /// Updates the <c>calling</c> settings: only non-null members are sent. Read-only
    /// <see cref="CallingSettings.Restrictions"/> is never sent.
    /// </summary>
    public async Task UpdateCallingSettingsAsync(string phoneNumberId, CallingSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var uri = _options.EdgeUri(GraphArguments.PhoneNumberId(phoneNumberId), "settings");
        var body = new PhoneNumberSettings { Calling = settings with { Restrictions = null } };
        var response = await PostAsync(
            GraphAction.UpdateCallingSettings, uri, body,
            WhatsAppGraphJsonContext.Default.PhoneNumberSettings, WhatsAppGraphJsonContext.Default.GraphSuccessResponse, cancellationToken);
        EnsureSuccess(GraphAction.UpdateCallingSettings, response);
    }
}
