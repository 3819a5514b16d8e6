using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>The openai-realtime dialect against a loopback endpoint speaking the realtime interface's documented events.</summary>
public sealed class OpenAiRealtimeStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static StreamStep Step(Uri url) => new(url, StreamDialect.OpenAiRealtime)
    {
        SampleRate = AudioPlanLimits.RealtimeSampleRate,
        Token = "sk-test",
        Realtime = new RealtimeSession("Answer one octave up.", "marin", new RealtimeTurnDetection("server_vad") { SilenceDurationMs = 400 }),
    };

    private static Task NoPlayer(IAudioSource source, CancellationToken token) => Task.Delay(Timeout.Infinite, token);

    [Fact]
    public async Task Sets_the_session_streams_pcm16_24k_both_ways_and_truncates_the_answer_to_what_was_played_on_speech_started()
    {
        await using var endpoint = TestAgentServer.Start();
        using var stream = new AgentStream("call-123", Step(endpoint.Url), Codecs.Shared, new StreamUrlPolicy(allowLoopback: true), TimeProvider.System, NullLogger.Instance);
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);

        // session.update first, in the GA shape, with the plan's instructions, voice and turn detection.
        var update = await endpoint.NextJsonAsync();
        Assert.Equal("session.update", update.GetProperty("type").GetString());
        var session = update.GetProperty("session");
        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal("Answer one octave up.", session.GetProperty("instructions").GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal(("audio/pcm", 24_000), (input.GetProperty("format").GetProperty("type").GetString(), input.GetProperty("format").GetProperty("rate").GetInt32()));
        Assert.Equal(("server_vad", 400), (input.GetProperty("turn_detection").GetProperty("type").GetString(), input.GetProperty("turn_detection").GetProperty("silence_duration_ms").GetInt32()));
        Assert.False(input.GetProperty("turn_detection").TryGetProperty("threshold", out _));
        var output = session.GetProperty("audio").GetProperty("output");
        Assert.Equal(("audio/pcm", "marin"), (output.GetProperty("format").GetProperty("type").GetString(), output.GetProperty("voice").GetString()));
        Assert.Equal("Bearer sk-test", endpoint.RequestHeaders!["Authorization"]);

        // The caller's 20 ms Opus frame is one append of 480 samples (PCM16 LE); DTMF has no message in this interface.
        stream.OfferDigit('5');
        stream.OfferCallerPacket(Codecs.EncodeTone(440, 1)[0], 0);
        var append = await endpoint.NextJsonAsync();
        Assert.Equal("input_audio_buffer.append", append.GetProperty("type").GetString());
        Assert.Equal(960, Convert.FromBase64String(append.GetProperty("audio").GetString()!).Length);

        // An answer of 1 s (50 frames) in two deltas; 10 frames are played, then the caller speaks.
        await endpoint.SendTextAsync(Delta("item_a", 12_000));
        await endpoint.SendTextAsync(Delta("item_a", 12_000));
        await endpoint.SendTextAsync("""{"type":"error","event_id":"e1","error":{"type":"invalid_request_error","code":"x","message":"not fatal"}}""");
        await HandledAsync(stream, 3);
        var frame = new byte[OpusCodec.MaxPacketBytes];
        for (var i = 0; i < 10; i++)
        {
            Assert.True(stream.TryReadFrame(frame, out _));
        }

        await endpoint.SendTextAsync("""{"type":"input_audio_buffer.speech_started","event_id":"e2","audio_start_ms":1000,"item_id":"item_u"}""");
        var truncate = await endpoint.NextJsonAsync();
        Assert.Equal("conversation.item.truncate", truncate.GetProperty("type").GetString());
        Assert.Equal(("item_a", 0, 200), (truncate.GetProperty("item_id").GetString(), truncate.GetProperty("content_index").GetInt32(), truncate.GetProperty("audio_end_ms").GetInt32()));

        // The rest was dropped at once, and a late delta of the interrupted answer is not played.
        Assert.False(stream.TryReadFrame(frame, out _));
        await endpoint.SendTextAsync(Delta("item_a", 4_800));
        await endpoint.SendTextAsync(Delta("item_b", 480));
        await HandledAsync(stream, 6);
        Assert.True(stream.TryReadFrame(frame, out _));
        Assert.False(stream.TryReadFrame(frame, out _));

        await endpoint.CloseAsync();
        var result = await run.WaitAsync(Wait);
        Assert.Equal((StreamOutcome.AgentClosed, "openai-realtime", 1L, 11L, 1), (result.Outcome, result.Dialect, result.FramesSent, result.FramesPlayed, result.Clears));

        // Latency is measured per frame sent to the agent and per agent frame played (the dropped ones never were).
        Assert.Equal((1L, 11L), (stream.UplinkLatency.Count, stream.DownlinkLatency.Count));
        Assert.InRange(stream.DownlinkLatency.Percentile(0.99), 0.1, Math.Max(0.1, stream.DownlinkLatency.MaxMs) + 0.1);
    }

    [Theory]
    [InlineData("""{"type":"response.audio.delta","item_id":"i","content_index":0,"delta":"AQD+/w=="}""", typeof(AgentMessage.Media))] // the beta name
    [InlineData("""{"type":"response.output_audio.delta","item_id":"i","delta":"AQD+"}""", typeof(AgentMessage.Invalid))] // 3 bytes: not PCM16
    [InlineData("""{"type":"session.created","session":{}}""", typeof(AgentMessage.Ignored))]
    [InlineData("""{"type":"input_audio_buffer.speech_started"}""", typeof(AgentMessage.Interrupt))]
    [InlineData("""{"type":"error","error":{"message":"bad"}}""", typeof(AgentMessage.Warning))]
    [InlineData("""{"event":"media"}""", typeof(AgentMessage.Invalid))]
    public void Server_events_are_read_by_their_type(string json, Type expected)
    {
        var protocol = AgentProtocol.For(Step(new Uri("wss://a.example/v1/realtime")), "c", "1");
        Assert.IsType(expected, protocol.Parse(System.Text.Encoding.UTF8.GetBytes(json), binary: false));
    }

    [Fact]
    public void Nothing_is_truncated_when_the_answer_was_all_heard_or_nothing_played()
    {
        var protocol = AgentProtocol.For(Step(new Uri("wss://a.example/v1/realtime")), "c", "1");
        Assert.Null(protocol.Truncate(480));
        protocol.Parse(System.Text.Encoding.UTF8.GetBytes(Delta("i", 480)), binary: false);
        Assert.Null(protocol.Truncate(0));
        Assert.Equal(0, JsonDocument.Parse(protocol.Truncate(960)!.Value.Bytes).RootElement.GetProperty("audio_end_ms").GetInt32());
    }

    [Fact]
    public void Latency_percentiles_come_from_0_1_ms_buckets_and_overflow_reports_the_maximum()
    {
        var latency = Serverless.MediaNode.Telemetry.StreamLatency.ForUplink();
        Assert.Equal(0, latency.Percentile(0.5));
        for (var i = 1; i <= 98; i++)
        {
            latency.Record(TimeSpan.FromMilliseconds(1.05)); // bucket 1.0-1.1
        }

        latency.Record(TimeSpan.FromMilliseconds(7.25));
        latency.Record(TimeSpan.FromMilliseconds(350)); // over the 200 ms of buckets
        Assert.Equal(100, latency.Count);
        Assert.Equal(1.1, latency.Percentile(0.5));
        Assert.Equal(1.1, latency.Percentile(0.98));
        Assert.Equal(7.3, latency.Percentile(0.99));
        Assert.Equal(350, latency.Percentile(1));
        Assert.Equal(350, latency.MaxMs);
    }

    private static string Delta(string item, int samples) =>
        $$"""{"type":"response.output_audio.delta","event_id":"ev","response_id":"resp_1","item_id":"{{item}}","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(new byte[samples * 2])}}"}""";

    private static async Task HandledAsync(AgentStream stream, int count)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (stream.MessagesHandled < count)
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
