namespace Serverless.MediaNode.Audio;

/// <summary>Why bytes are not a WAV prompt we can play.</summary>
public enum WavError
{
    None,

    /// <summary>Shorter than a RIFF header, or a chunk runs past the end.</summary>
    Truncated,

    /// <summary>Not "RIFF" ... "WAVE".</summary>
    NotRiffWave,

    /// <summary>No "fmt " chunk before the "data" chunk.</summary>
    MissingFormat,

    /// <summary>No "data" chunk.</summary>
    MissingData,

    /// <summary>Not integer PCM (e.g. float, A-law, compressed).</summary>
    NotPcm,

    /// <summary>Not 16 bits per sample.</summary>
    UnsupportedBitDepth,

    /// <summary>Neither mono nor stereo.</summary>
    UnsupportedChannels,

    /// <summary>Outside 8-48 kHz.</summary>
    UnsupportedSampleRate,

    /// <summary>Block align or byte rate disagree with channels × bits × rate.</summary>
    InconsistentFormat,

    /// <summary>No whole sample frame in the data chunk.</summary>
    NoSamples,

    /// <summary>Longer than a prompt may be.</summary>
    TooLong,
}
