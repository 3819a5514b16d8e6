using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Peer;

/// <summary>Per-call settings.</summary>
public sealed class AudioPeerOptions
{
    /// <summary>What to send; silence frames whenever it has nothing (default: a queue the caller fills).</summary>
    public IAudioSource? Source { get; init; }

    /// <summary>Decode received audio, or only hand out the Opus packets (recording without re-encoding).</summary>
    public ReceiveMode ReceiveMode { get; init; } = ReceiveMode.Decode;

    /// <summary>Overrides the node's peer defaults (e.g. ICE-lite for a simulated Meta endpoint).</summary>
    public PeerOptions? Peer { get; init; }
}
