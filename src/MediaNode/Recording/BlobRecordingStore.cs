using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Streams recordings to the <c>recordings</c> container (created on first use) as a block blob: each block is
/// staged as soon as it is full (Put Block), and the commit (Put Block List) orders them, e.g. a WAV header
/// staged last but listed first. Uncommitted blocks of an abandoned recording are discarded by the service.
/// </summary>
public sealed class BlobRecordingStore(BlobServiceClient service) : IRecordingStore
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(RecordingBlobName.Container);
    private volatile bool _containerReady;

    public IRecordingUpload Open(string callId, string contentType)
    {
        var name = RecordingBlobName.InContainer(callId, contentType);
        return new Upload(this, _container.GetBlockBlobClient(name), $"{RecordingBlobName.Container}/{name}", contentType);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
    }

    // Block ids must all have the same length within a blob (before base64): ten digits.
    private static string BlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(index.ToString("D10", CultureInfo.InvariantCulture)));

    private sealed class Upload(BlobRecordingStore store, BlockBlobClient blob, string name, string contentType) : IRecordingUpload
    {
        public string Name => name;

        public async Task StageBlockAsync(int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            await store.EnsureContainerAsync(cancellationToken);
            await blob.StageBlockAsync(BlockId(index), BinaryData.FromBytes(content).ToStream(), cancellationToken: cancellationToken);
        }

        public async Task<string> CommitAsync(IReadOnlyList<int> order, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(order);
            await store.EnsureContainerAsync(cancellationToken);
            await blob.CommitBlockListAsync(
                order.Select(BlockId),
                new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
                cancellationToken);
            return name;
        }
    }
}
