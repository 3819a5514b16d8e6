namespace Serverless.MediaNode.Recording;

/// <summary>Where finished recordings go.</summary>
public interface IRecordingStore
{
    /// <summary>
    /// Stores one call's recording as <c>recordings/{callId}.{ogg|wav}</c> (overwriting a previous attempt, so
    /// a retried save is idempotent) and returns that blob name.
    /// </summary>
    Task<string> SaveAsync(string callId, Stream content, string contentType, CancellationToken cancellationToken);
}
