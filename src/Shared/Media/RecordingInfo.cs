namespace Serverless.Shared.Media;

/// <summary>A call's stored recording, as the node wrote it (reported in <see cref="MediaEnded"/>).</summary>
public sealed record RecordingInfo
{
    /// <summary>Container and blob name in the media storage account, e.g. <c>recordings/{callId}.ogg</c>.</summary>
    public required string BlobName { get; init; }

    /// <summary>MIME type of the blob (<c>audio/ogg</c> or <c>audio/wav</c>).</summary>
    public required string ContentType { get; init; }

    /// <summary>Recorded audio, in seconds of media time.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Size of the stored blob.</summary>
    public long SizeBytes { get; init; }
}
