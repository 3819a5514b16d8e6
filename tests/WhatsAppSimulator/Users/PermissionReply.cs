namespace Serverless.Testing.WhatsAppSimulator.Users;

/// <summary>How the simulated user answers a call_permission_request message.</summary>
public enum PermissionReply
{
    /// <summary>Ignores the request: no reply webhook.</summary>
    None,

    /// <summary>Allows calls for 7 days.</summary>
    Accept,

    /// <summary>Allows calls permanently.</summary>
    AcceptPermanently,

    /// <summary>Declines.</summary>
    Reject,
}
