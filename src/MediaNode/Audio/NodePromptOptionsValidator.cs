using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// The node reads the prompts container with its own storage credentials, so the container must be one of its
/// account's, and never the recordings container. Checked at start (no network: names only).
/// </summary>
public sealed class NodePromptOptionsValidator(IOptions<MediaNodeOptions> node) : IValidateOptions<PromptOptions>
{
    public ValidateOptionsResult Validate(string? name, PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContainerUrl is not { IsAbsoluteUri: true } url || node.Value.StorageConnectionString is not { Length: > 0 } connection)
        {
            return ValidateOptionsResult.Skip; // shape errors are PromptOptionsValidator's; a missing store is MediaNodeOptions'
        }

        string account;
        try
        {
            account = new BlobServiceClient(connection).AccountName;
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Skip;
        }

        var parts = new BlobUriBuilder(url);
        if (!string.Equals(parts.AccountName, account, StringComparison.Ordinal) || string.IsNullOrEmpty(parts.BlobContainerName) || !string.IsNullOrEmpty(parts.BlobName))
        {
            return ValidateOptionsResult.Fail($"Prompts:ContainerUrl must name a container of the node's storage account '{account}'.");
        }

        return string.Equals(parts.BlobContainerName, RecordingBlobName.Container, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail("Prompts:ContainerUrl must not be the recordings container.")
            : ValidateOptionsResult.Success;
    }
}
