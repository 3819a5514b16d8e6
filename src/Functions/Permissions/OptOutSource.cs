namespace Serverless.Functions.Permissions;

/// <summary>What opted a user out of business-initiated calls (stored with the permission row, shown in problems).</summary>
public static class OptOutSource
{
    /// <summary>The user replied one of <c>OptOut:Keywords</c> (e.g. STOP).</summary>
    public const string Keyword = "keyword";

    /// <summary>The user revoked call permission (a <c>call_permission_reply</c> with <c>reject</c>).</summary>
    public const string PermissionRevoked = "permission-revoked";

    /// <summary>The <c>reason</c> a dial stopped by an opt-out shows on <c>GET /api/dials/{id}</c>.</summary>
    public const string DialReason = "user-opted-out";
}
