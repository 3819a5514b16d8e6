using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Recording;

/// <summary>MIME types and blob extensions of the recording formats.</summary>
public static class RecordingContentTypes
{
    /// <summary>RFC 7845 §9.</summary>
    public const string OggOpus = "audio/ogg";

    public const string Wav = "audio/wav";

    public static string Of(RecordingFormat format) => format == RecordingFormat.Wav ? Wav : OggOpus;

    /// <summary>File extension (without dot) for a content type.</summary>
    public static string ExtensionOf(string contentType) => contentType switch
    {
        OggOpus => "ogg",
        Wav => "wav",
        _ => throw new ArgumentException($"Unknown recording content type '{contentType}'.", nameof(contentType)),
    };
}
