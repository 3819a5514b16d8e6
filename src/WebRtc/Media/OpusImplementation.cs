namespace Serverless.WebRtc.Media;

/// <summary>Which Opus implementation Concentus handed out.</summary>
public enum OpusImplementation
{
    /// <summary>Concentus' managed C# port (same result on every machine).</summary>
    Managed,

    /// <summary>P/Invoke into a system libopus found by Concentus.</summary>
    Native,
}
