using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Reads prompts the <see cref="PromptSourcePolicy"/> allowed: blobs of the configured prompts container with the
/// node's own credentials (the container comes from configuration, only the blob name from the plan), and
/// allowlisted https URLs with a plain GET (no redirects, size-bounded). Nothing else is ever fetched.
/// </summary>
public sealed class BlobPromptStore : IPromptStore
{
    private readonly BlobContainerClient? _container;
    private readonly HttpClient? _http;

    /// <param name="service">The node's storage account.</param>
    /// <param name="policy">Its <see cref="PromptSourcePolicy.ContainerUrl"/> must be a container of <paramref name="service"/>'s account.</param>
    /// <param name="http">Client for allowlisted URLs (created without automatic redirects); null refuses them.</param>
    public BlobPromptStore(BlobServiceClient service, PromptSourcePolicy policy, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(policy);
        _http = http;
        if (policy.ContainerUrl is { } url)
        {
            var parts = new BlobUriBuilder(url);
            if (!string.Equals(parts.AccountName, service.AccountName, StringComparison.Ordinal) || string.IsNullOrEmpty(parts.BlobContainerName))
            {
                throw new ArgumentException("Prompts:ContainerUrl must be a container of the node's storage account.", nameof(policy));
            }

            if (string.Equals(parts.BlobContainerName, Recording.RecordingBlobName.Container, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Prompts:ContainerUrl must not be the recordings container.", nameof(policy));
            }

            _container = service.GetBlobContainerClient(parts.BlobContainerName);
        }
    }

    public Task<byte[]> ReadAsync(AllowedPromptSource source, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind switch
        {
            PromptSourceKind.PromptsContainer when _container is not null && source.BlobName is { } name => ReadBlobAsync(_container.GetBlobClient(name), maxBytes, cancellationToken),
            PromptSourceKind.AllowedUrl when _http is not null => ReadUrlAsync(new Uri(source.Source), maxBytes, cancellationToken),
            _ => throw new PromptException(PromptError.NotAllowed, "This node reads no prompts of that kind."),
        };
    }

    private static async Task<byte[]> ReadBlobAsync(BlobClient blob, long maxBytes, CancellationToken cancellationToken)
    {
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

    private async Task<byte[]> ReadUrlAsync(Uri uri, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http!.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new PromptException(PromptError.NotFound, "The prompt URL answered 404.");
            }

            if (!response.IsSuccessStatusCode)
            {
                // Redirects land here too: following one could leave the allowlist.
                throw new PromptException(PromptError.FetchFailed, $"The prompt URL answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new PromptException(PromptError.TooLarge, $"The prompt is {response.Content.Headers.ContentLength} bytes; at most {maxBytes} are played.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81_920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new PromptException(PromptError.TooLarge, $"The prompt is larger than {maxBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (HttpRequestException e)
        {
            throw new PromptException(PromptError.FetchFailed, "Reading the prompt URL failed.", innerException: e);
        }
    }
}
