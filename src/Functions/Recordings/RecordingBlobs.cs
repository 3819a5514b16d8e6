using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Shared.Media;

namespace Serverless.Functions.Recordings;

/// <summary>
/// Deleting recordings (retention, a user's erasure) in the media storage account, through the same client as
/// <see cref="RecordingLinks"/>. In Azure the app's identity holds Storage Blob Data Contributor on the recordings
/// container only (infra/bicep/modules/rbac.bicep).
/// </summary>
public sealed class RecordingBlobs(BlobServiceClient service)
{
    /// <summary>Deletes the recording's blob (with its snapshots); false when it was gone already.</summary>
    public async Task<bool> DeleteAsync(RecordingInfo recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var (container, name) = RecordingLinks.Split(recording.BlobName);
        var response = await service.GetBlobContainerClient(container).GetBlobClient(name)
            .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        return response.Value;
    }
}
