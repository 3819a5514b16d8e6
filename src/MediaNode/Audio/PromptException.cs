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

    /// <summary>The source is not one the prompt policy allows (prompts container, allowlisted URL, bundled name).</summary>
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
