namespace Serverless.Shared.AudioPlans;

/// <summary>How a recording is stored (the <c>format</c> of a record step).</summary>
public enum RecordingFormat
{
    /// <summary>Ogg Opus (RFC 7845): the caller's packets as received, no re-encode. The default.</summary>
    OggOpus,

    /// <summary>RIFF WAV, 16-bit 48 kHz mono: the packets decoded (losses concealed).</summary>
    Wav,
}
