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
            CallId = "call-1", CreatedAt = At, PhoneNumberId = "1234567890",
            AudioPlan = plan.RootElement.Clone(), MessageId = "m-start-out",
        };
        yield return new StartInbound { CallId = "call-2", CreatedAt = At, OfferSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n", PhoneNumberId = "99" };
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
        yield return new OfferReady { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Sdp = "v=0\r\n" };
        yield return new AnswerReady { CallId = "call-2", NodeId = "node-b", CreatedAt = At, Sdp = "v=0\r\n" };
        yield return new MediaConnected { CallId = "call-1", NodeId = "node-a", CreatedAt = At };
        yield return new MediaFailed { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Reason = MediaFailureReason.DtlsFailed, Detail = "bad fingerprint" };
        yield return new PlaybackFinished { CallId = "call-1", NodeId = "node-a", CreatedAt = At, PlayMessageId = "m-play" };
        yield return new DtmfReceived { CallId = "call-1", NodeId = "node-a", CreatedAt = At, Digits = "12*#" };
        yield return new MediaEnded
        {
            CallId = "call-1", NodeId = "node-a", CreatedAt = At,
            Stats = new MediaStats
            {
                Duration = TimeSpan.FromSeconds(61.5), PacketsSent = 3075, PacketsReceived = 3001, BytesSent = 245_000,
                BytesReceived = 240_080, LossFraction = 0.012, JitterMs = 4.5, RoundTripMs = 38, Mos = 4.2,
                RecordingBlobName = "recordings/call-1.opus",
            },
        };
    }
}
