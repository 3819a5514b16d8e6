namespace Serverless.Testing.WhatsAppSimulator.Permissions;

/// <summary>A user's call permission towards the business, as <c>call_permissions</c> reports it (§3).</summary>
public enum CallPermissionStatus
{
    /// <summary>Wire value <c>no_permission</c>.</summary>
    NoPermission,

    /// <summary>Wire value <c>temporary</c>: expires 7 days after approval.</summary>
    Temporary,

    /// <summary>Wire value <c>permanent</c>: never expires.</summary>
    Permanent,
}
