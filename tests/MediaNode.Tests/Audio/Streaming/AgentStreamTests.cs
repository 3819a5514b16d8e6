using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>The node's side of a stream step against a loopback agent: message shapes, audio both ways, marks, clear, close.</summary>
public sealed class AgentStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static AgentStream Create(StreamStep step) =>
        new("call-123", step, Codecs.Shared, LoopbackAgents, TimeProvider.System, NullLogger.Instance);

    private static readonly StreamUrlPolicy LoopbackAgents = new(allowLoopback: true);

    private static StreamStep Twilio(Uri url) => new(url, StreamDialect.Twilio)
    {
        Token = "tok-1",
        Headers = new Dictionary<string, string> { ["X-Api-Key"] = "key-1" },
        CustomParameters = new Dictionary<string, string> { ["lang"] = "en" },
    };

    // The stream plays into nothing: the test pulls frames as the pacer would.
    private static Task NoPlayer(IAudioSource source, CancellationToken token) => Task.Delay(Timeout.Infinite, token);

    [Fact]
    public async Task Twilio_dialect_speaks_twilios_messages_and_the_agent_closing_ends_the_step()
    {
        await using var agent = TestAgentServer.Start();
        using var stream = Create(Twilio(agent.Url));
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);

        var connected = await agent.NextJsonAsync();
        Assert.Equal("connected", connected.GetProperty("event").GetString());
        Assert.Equal("Call", connected.GetProperty("protocol").GetString());
        Assert.Equal("1.0.0", connected.GetProperty("version").GetString());
        var start = await agent.NextJsonAsync();
        Assert.Equal("start", start.GetProperty("event").GetString());
        Assert.Equal("1", start.GetProperty("sequenceNumber").GetString());
        var body = start.GetProperty("start");
        var sid = start.GetProperty("streamSid").GetString()!;
        Assert.Matches("^MZ[0-9a-f]{32}$", sid);
        Assert.Equal(sid, body.GetProperty("streamSid").GetString());
        Assert.Equal("call-123", body.GetProperty("callSid").GetString());
        Assert.Equal("en", body.GetProperty("customParameters").GetProperty("lang").GetString());
        Assert.Equal(["inbound"], body.GetProperty("tracks").EnumerateArray().Select(t => t.GetString()));
        var format = body.GetProperty("mediaFormat");
        Assert.Equal(("audio/x-mulaw", 8000, 1), (format.GetProperty("encoding").GetString(), format.GetProperty("sampleRate").GetInt32(), format.GetProperty("channels").GetInt32()));
        Assert.Equal("Bearer tok-1", agent.RequestHeaders!["Authorization"]);
        Assert.Equal("key-1", agent.RequestHeaders!["X-Api-Key"]);

        // Caller audio: two 20 ms Opus frames become two media messages of 160 µ-law bytes.
        var tone = Codecs.EncodeTone(440, 2);
        stream.OfferCallerPacket(tone[0], 1000);
        stream.OfferCallerPacket(tone[1], 1000 + OpusCodec.FrameSamples);
        stream.OfferDigit('5');
        for (var i = 0; i < 2; i++)
        {
            var media = await agent.NextJsonAsync();
            Assert.Equal("media", media.GetProperty("event").GetString());
            Assert.Equal((2 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), media.GetProperty("sequenceNumber").GetString());
            Assert.Equal(sid, media.GetProperty("streamSid").GetString());
            var m = media.GetProperty("media");
            Assert.Equal("inbound", m.GetProperty("track").GetString());
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), m.GetProperty("chunk").GetString());
            Assert.Equal((i * 20).ToString(System.Globalization.CultureInfo.InvariantCulture), m.GetProperty("timestamp").GetString());
            Assert.Equal(160, Convert.FromBase64String(m.GetProperty("payload").GetString()!).Length);
        }

        var dtmf = await agent.NextJsonAsync();
        Assert.Equal("dtmf", dtmf.GetProperty("event").GetString());
        Assert.Equal(("inbound_track", "5"), (dtmf.GetProperty("dtmf").GetProperty("track").GetString(), dtmf.GetProperty("dtmf").GetProperty("digit").GetString()));

        // Agent audio: 30 ms of µ-law then a mark; the mark comes back once both frames (the second padded) were played.
        var payload = Convert.ToBase64String(Enumerable.Repeat((byte)0x80, 240).ToArray());
        await agent.SendTextAsync($$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"{{{payload}}}"}}""");
        await agent.SendTextAsync($$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{"name":"m1"}}""");
        await HandledAsync(stream, 2);
        var frame = new byte[OpusCodec.MaxPacketBytes];
        var played = await PullFramesAsync(stream, frame, 2);
        Assert.Equal(2, played);
        var mark = await agent.NextJsonAsync();
        Assert.Equal("mark", mark.GetProperty("event").GetString());
        Assert.Equal("m1", mark.GetProperty("mark").GetProperty("name").GetString());
        Assert.Equal(sid, mark.GetProperty("streamSid").GetString());

        await agent.CloseAsync();
        var result = await run.WaitAsync(Wait);
        Assert.Equal(StreamOutcome.AgentClosed, result.Outcome);
        Assert.Equal("twilio", result.Dialect);
        Assert.Equal((2, 2, 1, 0), (result.FramesSent, result.FramesPlayed, result.MarksConfirmed, result.Clears));
    }

    [Fact]
    public async Task Clear_drops_the_queued_audio_before_the_next_frame_and_returns_its_marks_in_order()
    {
        await using var agent = TestAgentServer.Start();
        using var stream = Create(new StreamStep(agent.Url, StreamDialect.Pcm) { SampleRate = 16_000 });
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);
        var start = await agent.NextJsonAsync();
        Assert.Equal("start", start.GetProperty("event").GetString());
        Assert.Equal("call-123", start.GetProperty("callId").GetString());
        Assert.Equal(16_000, start.GetProperty("mediaFormat").GetProperty("sampleRate").GetInt32());

        // 5 s of audio with marks after 1 s and at the end, then (once the first mark came back) a clear.
        var second = new byte[16_000 * 2];
        for (var i = 0; i < 5; i++)
        {
            await agent.SendBinaryAsync(second);
            await agent.SendTextAsync($$"""{"event":"mark","name":"s{{i + 1}}"}""");
        }

        await HandledAsync(stream, 10);

        var frame = new byte[OpusCodec.MaxPacketBytes];
        Assert.Equal(50, await PullFramesAsync(stream, frame, 50));
        Assert.Equal("s1", (await agent.NextEventAsync("mark")).GetProperty("name").GetString());
        await agent.SendTextAsync("""{"event":"clear"}""");

        // The remaining marks come back in order at the clear; then the queue is empty: the next tick is silence.
        foreach (var name in new[] { "s2", "s3", "s4", "s5" })
        {
            Assert.Equal(name, (await agent.NextEventAsync("mark")).GetProperty("name").GetString());
        }

        Assert.False(stream.TryReadFrame(frame, out _));
        await agent.CloseAsync();
        var result = await run.WaitAsync(Wait);
        Assert.Equal((StreamOutcome.AgentClosed, 50L, 5, 1), (result.Outcome, result.FramesPlayed, result.MarksConfirmed, result.Clears));
    }

    [Fact]
    public async Task Pcm_dialect_sends_20_ms_binary_frames_at_24_kHz_and_stop_when_the_call_ends()
    {
        await using var agent = TestAgentServer.Start();
        using var stream = Create(new StreamStep(agent.Url, StreamDialect.Pcm) { SampleRate = 24_000 });
        using var call = new CancellationTokenSource();
        var run = stream.RunAsync(NoPlayer, call.Token);
        await agent.NextJsonAsync(); // start
        stream.OfferCallerPacket(Codecs.EncodeTone(440, 1)[0], 0);
        var (binary, data) = await agent.NextAsync();
        Assert.True(binary);
        Assert.Equal(480 * 2, data.Length);
        stream.OfferDigit('#');
        var dtmf = await agent.NextJsonAsync();
        Assert.Equal(("dtmf", "#"), (dtmf.GetProperty("event").GetString(), dtmf.GetProperty("digit").GetString()));

        await call.CancelAsync();
        var stop = await agent.NextJsonAsync();
        Assert.Equal("stop", stop.GetProperty("event").GetString());
        var result = await run.WaitAsync(Wait);
        Assert.Equal(StreamOutcome.CallEnded, result.Outcome);
        await agent.Closed.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task An_agent_that_is_not_there_is_a_connect_failure()
    {
        await using var agent = TestAgentServer.Start();
        var url = agent.Url;
        await agent.DisposeAsync(); // nothing listens on the port any more
        using var stream = Create(Twilio(url));
        var result = await stream.RunAsync(NoPlayer, CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(StreamOutcome.ConnectFailed, result.Outcome);
        Assert.NotNull(result.Detail);
        Assert.DoesNotContain("tok-1", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", "Private")]
    [InlineData("169.254.169.254", "LinkLocal")]
    [InlineData("127.0.0.1", "Loopback")] // a public name re-pointed at the node itself
    public async Task A_host_name_that_resolves_to_an_address_streams_may_not_reach_is_refused_before_connecting(string address, string addressClass)
    {
        var policy = new StreamUrlPolicy(allowLoopback: false, resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse(address) }));
        using var stream = new AgentStream("call-123", Twilio(new Uri("wss://agent.example/x")), Codecs.Shared, policy, TimeProvider.System, NullLogger.Instance);

        var result = await stream.RunAsync(NoPlayer, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(StreamOutcome.ConnectFailed, result.Outcome);
        Assert.Contains($"resolves to a {addressClass} address", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_connects_to_the_address_it_was_vetted_at()
    {
        // "agent.example" exists in no DNS here: reaching the agent proves the connection used the vetted resolution.
        await using var agent = TestAgentServer.Start(anyHostName: true);
        var policy = new StreamUrlPolicy(allowLoopback: true, resolve: (host, _) =>
            Task.FromResult(host == "agent.example" ? new[] { IPAddress.Loopback } : []));
        var url = new UriBuilder(agent.Url) { Host = "agent.example" }.Uri;
        using var stream = new AgentStream("call-123", Twilio(url), Codecs.Shared, policy, TimeProvider.System, NullLogger.Instance);

        var run = stream.RunAsync(NoPlayer, CancellationToken.None);

        Assert.Equal("connected", (await agent.NextJsonAsync()).GetProperty("event").GetString());
        await agent.CloseAsync();
        Assert.Equal(StreamOutcome.AgentClosed, (await run.WaitAsync(Wait)).Outcome);
    }

    [Fact]
    public async Task A_message_outside_the_dialect_ends_the_step_as_a_protocol_error()
    {
        await using var agent = TestAgentServer.Start();
        using var stream = Create(Twilio(agent.Url));
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);
        await agent.NextEventAsync("start");
        await agent.SendTextAsync("""{"event":"media","media":{"payload":"not base64!"}}""");
        var result = await run.WaitAsync(Wait);
        Assert.Equal(StreamOutcome.ProtocolError, result.Outcome);
        Assert.Contains("base64", result.Detail, StringComparison.Ordinal);
    }

    // Waits until the stream handled the agent's first <paramref name="count"/> messages (they arrive asynchronously).
    private static async Task HandledAsync(AgentStream stream, int count)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (stream.MessagesHandled < count)
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    // Pulls frames as the pacer does until <paramref name="count"/> came out (the agent's audio arrives asynchronously).
    private static async Task<int> PullFramesAsync(AgentStream stream, byte[] frame, int count)
    {
        var played = 0;
        using var timeout = new CancellationTokenSource(Wait);
        while (played < count)
        {
            if (stream.TryReadFrame(frame, out var written))
            {
                Assert.True(written > 0);
                played++;
            }
            else
            {
                await Task.Yield();
                timeout.Token.ThrowIfCancellationRequested();
            }
        }

        return played;
    }
}

/// <summary>The agent's messages as the node reads them.</summary>
public sealed class AgentProtocolTests
{
    private static readonly StreamStep TwilioStep = new(new Uri("wss://a.example/x"), StreamDialect.Twilio);

    [Fact]
    public void Twilio_media_payload_is_decoded_from_mulaw()
    {
        var protocol = AgentProtocol.For(TwilioStep, "c", "0123");
        var message = protocol.Parse("""{"event":"media","streamSid":"MZ0123","media":{"payload":"/4A="}}"""u8, binary: false);
        Assert.Equal([0, 32124], Assert.IsType<AgentMessage.Media>(message).Pcm);
    }

    [Theory]
    [InlineData("""{"event":"clear","streamSid":"MZ1"}""", typeof(AgentMessage.Clear))]
    [InlineData("""{"event":"mark","streamSid":"MZ1","mark":{"name":"x"}}""", typeof(AgentMessage.Mark))]
    [InlineData("""{"event":"something-new"}""", typeof(AgentMessage.Ignored))]
    [InlineData("""{"event":"mark","mark":{}}""", typeof(AgentMessage.Invalid))]
    [InlineData("""[1,2]""", typeof(AgentMessage.Invalid))]
    [InlineData("""not json""", typeof(AgentMessage.Invalid))]
    public void Twilio_control_messages_are_read_by_their_event(string json, Type expected)
    {
        var protocol = AgentProtocol.For(TwilioStep, "c", "1");
        Assert.IsType(expected, protocol.Parse(System.Text.Encoding.UTF8.GetBytes(json), binary: false));
    }

    [Fact]
    public void Pcm_binary_must_hold_whole_samples()
    {
        var protocol = AgentProtocol.For(new StreamStep(new Uri("wss://a.example/x"), StreamDialect.Pcm) { SampleRate = 16_000 }, "c", "1");
        Assert.Equal([1, -2], Assert.IsType<AgentMessage.Media>(protocol.Parse(new byte[] { 1, 0, 0xFE, 0xFF }, binary: true)).Pcm);
        Assert.IsType<AgentMessage.Invalid>(protocol.Parse(new byte[] { 1, 0, 2 }, binary: true));
    }

    [Fact]
    public void Twilio_stop_and_outbound_media_have_twilios_shape()
    {
        var protocol = (TwilioProtocol)AgentProtocol.For(TwilioStep with { Tracks = StreamTracks.Both }, "call-9", "abc");
        var start = JsonDocument.Parse(protocol.Opening().Last().Bytes).RootElement;
        Assert.Equal(["inbound", "outbound"], start.GetProperty("start").GetProperty("tracks").EnumerateArray().Select(t => t.GetString()));
        var media = JsonDocument.Parse(protocol.Media(new short[160], 40, outbound: true).Bytes).RootElement.GetProperty("media");
        Assert.Equal(("outbound", "1", "40"), (media.GetProperty("track").GetString(), media.GetProperty("chunk").GetString(), media.GetProperty("timestamp").GetString()));
        var stop = JsonDocument.Parse(protocol.Stop()!.Value.Bytes).RootElement;
        Assert.Equal(("stop", "MZabc", "call-9"), (stop.GetProperty("event").GetString(), stop.GetProperty("streamSid").GetString(), stop.GetProperty("stop").GetProperty("callSid").GetString()));
        Assert.Equal("3", stop.GetProperty("sequenceNumber").GetString());
    }
}
