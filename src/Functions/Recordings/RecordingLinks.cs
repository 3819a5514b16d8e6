using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using Serverless.Shared.Media;

namespace Serverless.Functions.Recordings;

/// <summary>
/// Read-only links to recordings, made when asked (never stored): a user-delegation SAS signed with a key the
/// app's identity obtains (Azure), or a service SAS signed with the account key (a connection string: Azurite).
/// Each link reads exactly one blob and expires after the configured lifetime.
/// </summary>
public sealed class RecordingLinks
{
    // A delegation key is asked for this long and renewed when less than a link's lifetime plus this margin is left.
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(7);
    private static readonly TimeSpan KeyMargin = TimeSpan.FromMinutes(5);

    private readonly BlobServiceClient _service;
    private readonly bool _delegated;
    private readonly TimeProvider _time;
    private readonly RecordingOptions _options;
    private readonly Lock _keyGate = new();
    private Task<UserDelegationKey>? _key;

    public RecordingLinks(BlobServiceClient service, bool delegated, TimeProvider time, IOptions<RecordingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _delegated = delegated;
        _time = time;
        _options = options.Value;
    }

    /// <summary>A link for the API (valid <see cref="RecordingOptions.UrlLifetime"/>).</summary>
    public Task<Uri> ForApiAsync(RecordingInfo recording, CancellationToken cancellationToken) =>
        CreateAsync(recording, _options.UrlLifetime, cancellationToken);

    /// <summary>A link for a callback body (valid <see cref="RecordingOptions.CallbackUrlLifetime"/>).</summary>
    public Task<Uri> ForCallbackAsync(RecordingInfo recording, CancellationToken cancellationToken) =>
        CreateAsync(recording, _options.CallbackUrlLifetime, cancellationToken);

    private async Task<Uri> CreateAsync(RecordingInfo recording, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var (container, name) = Split(recording.BlobName);
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        var now = _time.GetUtcNow();
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, now + lifetime)
        {
            BlobContainerName = container,
            BlobName = name,
            Resource = "b",
            // Clock skew between us and Storage must not make a fresh link fail.
            StartsOn = now - TimeSpan.FromMinutes(5),
            ContentType = recording.ContentType,
        };
        if (!_delegated)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await DelegationKeyAsync(now, lifetime, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, _service.AccountName) }.ToUri();
    }

    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        Task<UserDelegationKey> pending;
        lock (_keyGate)
        {
            // One request at a time; a failed or soon-expiring key is asked for again.
            if (_key is null || _key.IsFaulted || _key.IsCanceled
                || (_key.IsCompletedSuccessfully && _key.Result.SignedExpiresOn < now + lifetime + KeyMargin))
            {
                _key = RequestKeyAsync(now);
            }

            pending = _key;
        }

        return await pending.WaitAsync(cancellationToken);
    }

    private async Task<UserDelegationKey> RequestKeyAsync(DateTimeOffset now) =>
        (await _service.GetUserDelegationKeyAsync(now - KeyMargin, now + KeyLifetime, CancellationToken.None)).Value;

    /// <summary><c>recordings/abc.ogg</c> → (<c>recordings</c>, <c>abc.ogg</c>).</summary>
    internal static (string Container, string Name) Split(string blobName)
    {
        var slash = blobName.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == blobName.Length - 1)
        {
            throw new InvalidDataException("A recording's blob name is '<container>/<name>'.");
        }

        return (blobName[..slash], blobName[(slash + 1)..]);
    }
}
