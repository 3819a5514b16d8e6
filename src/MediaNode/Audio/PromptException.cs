namespace Serverless.MediaNode.Audio;

/// <summary>Why a prompt could not be played.</summary>
public enum PromptError
{
    /// <summary>No blob or bundled file of that name.</summary>
    NotFound,

    /// <summary>Not a WAV we accept; <see cref="PromptException.WavError"/> says why.</summary>
    InvalidWav,

    /// <summary>Larger than <see cref="PromptCache.MaxPromptBytes"/>.</summary>
    TooLarge,

    /// <summary>The URI is not a blob of the configured storage account (we never fetch arbitrary URLs).</summary>
    NotAllowed,

    /// <summary>Storage failed or was unreachable.</summary>
    FetchFailed,
}

/// <summary>A prompt that cannot be played, with a typed reason.</summary>
public sealed class PromptException : Exception
{
    public PromptException()
    {
    }

    public PromptException(string message)
        : base(message)
    {
    }

    public PromptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PromptException(PromptError error, string message, WavError wavError = WavError.None, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        WavError = wavError;
    }

    public PromptError Error { get; }

    public WavError WavError { get; }
}
