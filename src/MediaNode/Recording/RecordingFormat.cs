namespace Serverless.MediaNode.Recording;

/// <summary>How a recording is stored.</summary>
public enum RecordingFormat
{
    /// <summary>Ogg Opus (RFC 7845): the caller's packets as received, no re-encode. The default.</summary>
    OggOpus,

    /// <summary>RIFF WAV, 16-bit 48 kHz mono: the packets decoded (losses concealed).</summary>
    Wav,
}
