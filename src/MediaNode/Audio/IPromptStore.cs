namespace Serverless.MediaNode.Audio;

/// <summary>Where prompt URIs are read from (Blob Storage in production).</summary>
public interface IPromptStore
{
    /// <summary>The prompt's bytes; throws <see cref="PromptException"/> with a typed reason on failure.</summary>
    Task<byte[]> ReadAsync(Uri uri, long maxBytes, CancellationToken cancellationToken);
}
