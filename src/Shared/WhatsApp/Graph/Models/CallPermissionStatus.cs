namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary><c>permission.status</c> from <c>GET /call_permissions</c> (meta-calling-api.md §3).</summary>
public enum CallPermissionStatus
{
    /// <summary>A value this code does not know.</summary>
    Unknown,

    /// <summary><c>no_permission</c> (also returned for uncallable numbers).</summary>
    NoPermission,

    /// <summary><c>temporary</c>: 7 days from approval, see <see cref="CallPermissionState.ExpirationTime"/>.</summary>
    Temporary,

    /// <summary><c>permanent</c>: no expiry.</summary>
    Permanent,
}

/// <summary>Wire names of <see cref="CallPermissionStatus"/>.</summary>
public sealed class CallPermissionStatusConverter() : WireEnumConverter<CallPermissionStatus>(
    ("no_permission", CallPermissionStatus.NoPermission),
    ("temporary", CallPermissionStatus.Temporary),
    ("permanent", CallPermissionStatus.Permanent));

/// <summary><c>actions[].action_name</c> from <c>GET /call_permissions</c>.</summary>
public enum CallPermissionActionName
{
    /// <summary>A value this code does not know.</summary>
    Unknown,

    /// <summary><c>send_call_permission_request</c>.</summary>
    SendCallPermissionRequest,

    /// <summary><c>start_call</c>: a business-initiated call.</summary>
    StartCall,
}

/// <summary>Wire names of <see cref="CallPermissionActionName"/>.</summary>
public sealed class CallPermissionActionNameConverter() : WireEnumConverter<CallPermissionActionName>(
    ("send_call_permission_request", CallPermissionActionName.SendCallPermissionRequest),
    ("start_call", CallPermissionActionName.StartCall));
