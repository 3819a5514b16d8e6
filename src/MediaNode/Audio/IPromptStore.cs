using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio;

/// <summary>Where prompts the <see cref="PromptSourcePolicy"/> allowed are read from (Blob Storage, allowlisted URLs).</summary>
public interface IPromptStore
{
    /// <summary>The prompt's bytes; throws <see cref="PromptException"/> with a typed reason on failure.</summary>
    Task<byte[]> ReadAsync(AllowedPromptSource source, long maxBytes, CancellationToken cancellationToken);
}
