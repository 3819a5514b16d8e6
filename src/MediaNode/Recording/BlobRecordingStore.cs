using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.MediaNode.Recording;

/// <summary>Uploads recordings to the <c>recordings</c> container (created on first use).</summary>
public sealed class BlobRecordingStore(BlobServiceClient service) : IRecordingStore
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(RecordingBlobName.Container);
    private volatile bool _containerReady;

    public async Task<string> SaveAsync(string callId, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var name = RecordingBlobName.InContainer(callId, contentType);
        if (!_containerReady)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }

        await _container.GetBlobClient(name).UploadAsync(
            content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);
        return $"{RecordingBlobName.Container}/{name}";
    }
}
