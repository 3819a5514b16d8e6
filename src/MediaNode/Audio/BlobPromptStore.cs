using Azure;
using Azure.Storage.Blobs;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Reads prompts from the node's storage account. A URI is only honoured when it names a blob of that
/// account, and it is read with the node's own credentials: a dial request cannot make the node fetch an
/// arbitrary URL.
/// </summary>
public sealed class BlobPromptStore(BlobServiceClient service) : IPromptStore
{
    public async Task<byte[]> ReadAsync(Uri uri, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var parts = new BlobUriBuilder(uri);
        if (!string.Equals(parts.AccountName, service.AccountName, StringComparison.Ordinal)
            || string.IsNullOrEmpty(parts.BlobContainerName) || string.IsNullOrEmpty(parts.BlobName))
        {
            throw new PromptException(PromptError.NotAllowed, "The prompt URI is not a blob of this node's storage account.");
        }

        var blob = service.GetBlobContainerClient(parts.BlobContainerName).GetBlobClient(parts.BlobName);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > maxBytes)
            {
                throw new PromptException(PromptError.TooLarge, $"The prompt is {properties.Value.ContentLength} bytes; at most {maxBytes} are played.");
            }

            var content = await blob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new PromptException(PromptError.NotFound, "The prompt blob does not exist.", innerException: e);
        }
        catch (RequestFailedException e)
        {
            throw new PromptException(PromptError.FetchFailed, $"Reading the prompt blob failed ({e.Status}).", innerException: e);
        }
    }
}
