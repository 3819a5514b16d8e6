using System.Text.Json;
using Serverless.Shared.Media;

namespace Serverless.Shared.Tests.Media;

/// <summary>One fully populated instance of every command and event type.</summary>
internal static class MediaMessageSamples
{
    public static readonly DateTimeOffset At = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    public static IEnumerable<MediaMessage> All()
    {
        using var plan = JsonDocument.Parse("""{"prompt":"welcome.opus","record":true}""");
        yield return new StartOutbound
        {
            CallId = "call-1", CreatedAt = At,
            AudioPlan = plan.RootElement.Clone(), MessageId = "m-start-out",
        };
        yield return new StartInbound { CallId = "call-2", CreatedAt = At, OfferSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n" };
        yield return new ApplyAnswer { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Sdp = "v=0\r\n", Sequence = 1 };
        yield return new Play
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At, Sequence = 2,
            Request = new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 440, Duration = TimeSpan.FromMilliseconds(1500), BargeIn = true },
        };
        yield return new Play
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At, Sequence = 3,
            Request = new PlayRequest { Kind = PlayKind.Prompt, Uri = new Uri("https://example.invalid/prompts/hello.opus") },
        };
        yield return new Hangup { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Reason = HangupReason.User, Sequence = 4 };
        yield return new ConnectAgent
        {
            CallId = "call-2", NodeId = "node-b", CreatedAt = At, Sequence = 1, LegId = "leg-1", OfferSdp = "v=0\r\n", Agent = "agent-a",
        };
        yield return new MuteAgent { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Sequence = 2, LegId = "leg-1", Muted = true };
        yield return new DisconnectAgent { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Sequence = 3, LegId = "leg-1" };
        yield return new AgentRequested { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Queue = "support", TimeoutSeconds = 60 };
        yield return new AgentRequestEnded { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Queue = "support", Reason = AgentRequestEndReason.Timeout };
        yield return new AgentAnswerReady { CallId = "call-2", NodeId = "node-b", CreatedAt = At, LegId = "leg-1", Sdp = "v=0\r\n" };
        yield return new AgentConnected { CallId = "call-2", NodeId = "node-b", CreatedAt = At, LegId = "leg-1" };
        yield return new AgentLegEnded
        {
            CallId = "call-2", NodeId = "node-b", CreatedAt = At, LegId = "leg-1", Reason = AgentLegEndReason.Failed, Detail = "DTLS failed",
            Stats = new MediaStats { DurationSeconds = 12.5, PacketsSent = 625, PacketsReceived = 620, BytesSent = 50_000, BytesReceived = 49_600, PacketsLost = 5, JitterMs = 2.5, Mos = 4.3 },
        };
        yield return new AgentLegEnded { CallId = "call-3", NodeId = "node-b", CreatedAt = At, LegId = "leg-2", Reason = AgentLegEndReason.NotWaiting };
        yield return new OfferReady { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Sdp = "v=0\r\n" };
        yield return new AnswerReady { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Sdp = "v=0\r\n" };
        yield return new MediaConnected { CallId = "call-1", NodeId = "node-a", CreatedAt = At };
        yield return new MediaFailed
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At, Reason = MediaFailureReason.DtlsFailed, Detail = "bad fingerprint",
            Dtls = new DtlsFailureInfo
            {
                Failure = "FingerprintMismatch", Alert = "bad_certificate", AlertFromRemote = false, Version = "DTLS 1.2",
                CipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            },
        };
        yield return new MediaFailed { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Reason = MediaFailureReason.IceFailed, IceState = "ConsentLost" };
        yield return new MediaFailed { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Reason = MediaFailureReason.PromptNotFound, Detail = "Step 0: missing" };
        yield return new InputCollected
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At,
            Input = new DigitInput { Digits = "123", EndedBy = InputEnd.Terminator, Terminator = "#", Name = "pin", StartedAt = At, EndedAt = At.AddSeconds(3) },
        };
        yield return new PlaybackFinished { CallId = "call-1", NodeId = "node-a", CreatedAt = At, PlayMessageId = "m-play" };
        yield return new StreamEnded
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At,
            Result = new StreamResult
            {
                Name = "agent", Dialect = "pcm", Outcome = StreamOutcome.ConnectFailed, Detail = "refused", FramesSent = 0, FramesPlayed = 0,
                MarksConfirmed = 0, Clears = 0, StartedAt = At, EndedAt = At.AddSeconds(1),
            },
        };
        yield return new DtmfReceived { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Digits = "12*#" };
        yield return new MediaEnded
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At,
            Stats = new MediaStats
            {
                DurationSeconds = 61.5, PacketsSent = 3075, PacketsReceived = 3001, BytesSent = 245_000,
                BytesReceived = 240_080, PacketsLost = 36, PacketsLostByRemote = 4, JitterMs = 4.5, RoundTripMs = 38, Mos = 4.2,
            },
            Recording = new RecordingInfo { BlobName = "recordings/call-1.ogg", ContentType = "audio/ogg", DurationSeconds = 3.02, SizeBytes = 12_345 },
            Reason = HangupReason.NodeDrained,
        };
    }
}
