using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// The Graph calling operations, as an interface so callers (the Functions) can be tested with a substitute.
/// <see cref="WhatsAppGraphClient"/> documents behaviour and failures.
/// </summary>
public interface IWhatsAppGraphClient
{
    /// <summary>POST connect with our SDP offer; returns the <c>wacid</c>.</summary>
    Task<string> ConnectAsync(string phoneNumberId, string to, string sdpOffer, string? bizOpaqueCallbackData = null, CancellationToken cancellationToken = default);

    /// <summary>POST pre_accept with our SDP answer.</summary>
    Task PreAcceptAsync(string phoneNumberId, string callId, string sdpAnswer, CancellationToken cancellationToken = default);

    /// <summary>POST accept with the same SDP answer as pre_accept.</summary>
    Task AcceptAsync(string phoneNumberId, string callId, string sdpAnswer, string? bizOpaqueCallbackData = null, CancellationToken cancellationToken = default);

    /// <summary>POST reject.</summary>
    Task RejectAsync(string phoneNumberId, string callId, CancellationToken cancellationToken = default);

    /// <summary>POST terminate.</summary>
    Task TerminateAsync(string phoneNumberId, string callId, CancellationToken cancellationToken = default);

    /// <summary>POST /messages interactive call_permission_request; returns the <c>wamid</c>.</summary>
    Task<string> SendCallPermissionRequestAsync(string phoneNumberId, string waId, string? bodyText = null, CancellationToken cancellationToken = default);

    /// <summary>GET /call_permissions for one user.</summary>
    Task<CallPermissions> GetCallPermissionsAsync(string phoneNumberId, string userWaId, CancellationToken cancellationToken = default);

    /// <summary>GET /settings, the <c>calling</c> object.</summary>
    Task<CallingSettings> GetCallingSettingsAsync(string phoneNumberId, bool includeSipCredentials = false, CancellationToken cancellationToken = default);

    /// <summary>POST /settings with the <c>calling</c> object.</summary>
    Task UpdateCallingSettingsAsync(string phoneNumberId, CallingSettings settings, CancellationToken cancellationToken = default);
}
