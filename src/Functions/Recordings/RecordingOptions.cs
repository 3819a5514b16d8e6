namespace Serverless.Functions.Recordings;

/// <summary>
/// Configuration section <see cref="SectionName"/>: where the MediaNodes' recordings are (the media storage account)
/// and how long the read links the API and callbacks hand out stay valid.
/// </summary>
public sealed class RecordingOptions
{
    public const string SectionName = "Recordings";

    /// <summary>
    /// Blob endpoint of the media storage account, reached with the app's identity (Azure); links are then
    /// user-delegation SAS (the identity needs Storage Blob Delegator and Storage Blob Data Reader there).
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// Used when <see cref="ServiceUri"/> is not set (local, Azurite): links are service SAS signed with the account key.
    /// When both are unset, <c>Storage:ConnectionString</c> is used (locally the one Azurite holds everything).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Validity of the link in <c>GET /api/calls/{id}</c> and the 302 of <c>/recording</c>: made at read time, so short.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Validity of the link in a callback: its body is frozen when queued and retried for up to a day, so it lives
    /// longer; a receiver that needs a fresh one asks <c>GET /api/calls/{id}/recording</c>.
    /// </summary>
    public TimeSpan CallbackUrlLifetime { get; set; } = TimeSpan.FromHours(24);

    internal void Validate()
    {
        // A user-delegation key lives at most 7 days (Azure Storage), so no link can outlive that.
        var max = TimeSpan.FromDays(7);
        if (UrlLifetime <= TimeSpan.Zero || UrlLifetime > max)
        {
            throw new InvalidOperationException("Recordings:UrlLifetime must be more than 0 and at most 7 days.");
        }

        if (CallbackUrlLifetime <= TimeSpan.Zero || CallbackUrlLifetime > max)
        {
            throw new InvalidOperationException("Recordings:CallbackUrlLifetime must be more than 0 and at most 7 days.");
        }

        if (ServiceUri is { IsAbsoluteUri: false })
        {
            throw new InvalidOperationException("Recordings:ServiceUri must be an absolute blob endpoint URI.");
        }
    }
}
