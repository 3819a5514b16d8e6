using Microsoft.Extensions.Logging;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Call permissions (meta-calling-api.md §3).</summary>
public sealed partial class WhatsAppGraphClient
{
    /// <summary>
    /// Sends the free-form interactive <c>call_permission_request</c> message and returns its <c>wamid</c>.
    /// Only valid inside the 24 h service window; charged as a message, so never repeated blindly.
    /// </summary>
    public async Task<string> SendCallPermissionRequestAsync(
        string phoneNumberId, string waId, string? bodyText = null, CancellationToken cancellationToken = default)
    {
        if (bodyText is not null && (bodyText.Length == 0 || bodyText.Length > GraphArguments.MaxBodyTextLength))
        {
            throw new ArgumentException($"The body text must be 1 to {GraphArguments.MaxBodyTextLength} characters.", nameof(bodyText));
        }

        var user = WaId.Parse(waId, nameof(waId));
        var message = new CallPermissionRequestMessage
        {
            To = user.Digits,
            Interactive = new CallPermissionInteractive { Body = bodyText is null ? null : new InteractiveBody(bodyText) },
        };

        var uri = _options.EdgeUri(GraphArguments.PhoneNumberId(phoneNumberId), "messages");
        var response = await PostAsync(
            GraphAction.SendCallPermissionRequest, uri, message,
            WhatsAppGraphJsonContext.Default.CallPermissionRequestMessage, WhatsAppGraphJsonContext.Default.SendMessageResponse, cancellationToken);

        if (response.Messages is not [{ Id: { Length: > 0 } messageId }, ..])
        {
            throw new WhatsAppResponseFormatException(GraphAction.SendCallPermissionRequest, System.Net.HttpStatusCode.OK, "it carried no messages[0].id.");
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var maskedWaId = user.Masked;
            LogSentToUser(GraphAction.SendCallPermissionRequest, phoneNumberId, maskedWaId);
        }

        return messageId;
    }

    /// <summary>The user's call permission and the business's remaining limits (5 requests/s, else code 613).</summary>
    public Task<CallPermissions> GetCallPermissionsAsync(string phoneNumberId, string userWaId, CancellationToken cancellationToken = default)
    {
        var user = WaId.Parse(userWaId, nameof(userWaId));
        var uri = _options.EdgeUri(GraphArguments.PhoneNumberId(phoneNumberId), "call_permissions", "user_wa_id=" + user.Digits);
        return SendAsync(
            GraphAction.GetCallPermissions, HttpMethod.Get, uri, json: null,
            WhatsAppGraphJsonContext.Default.CallPermissions, cancellationToken);
    }
}
