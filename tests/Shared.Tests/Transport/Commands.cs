using Serverless.Shared.Media;

namespace Serverless.Shared.Tests.Transport;

/// <summary>Builders for one call's command sequence.</summary>
internal static class Commands
{
    public static StartOutbound Start(string callId, DateTimeOffset at) =>
        new() { CallId = callId, CreatedAt = at, Sequence = 0 };

    public static ApplyAnswer Answer(string callId, string nodeId, DateTimeOffset at, long sequence = 1) =>
        new() { CallId = callId, NodeId = nodeId, CreatedAt = at, Sdp = "v=0\r\n", Sequence = sequence };

    public static Play Tone(string callId, string nodeId, DateTimeOffset at, long sequence) =>
        new()
        {
            CallId = callId, NodeId = nodeId, CreatedAt = at, Sequence = sequence,
            Request = new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 440, Duration = TimeSpan.FromSeconds(1) },
        };

    public static Hangup End(string callId, string nodeId, DateTimeOffset at, long sequence) =>
        new() { CallId = callId, NodeId = nodeId, CreatedAt = at, Reason = HangupReason.Business, Sequence = sequence };
}
