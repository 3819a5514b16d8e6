using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Xunit.Abstractions;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The audio plan's <c>stream</c> step against real agent code: OpenAI's Agents SDK (<c>@openai/agents</c> with
/// <c>@openai/agents-extensions</c>' TwilioRealtimeTransportLayer) as the agent server in the twilio dialect, its realtime
/// model an in-repo fake that answers one octave up; the call is dialled through the public API and heard at the phone.
/// </summary>
public sealed class StreamAgentTests(ITestOutputHelper output)
{
    private const double CallerHz = 440;
    private const double AnswerHz = 1000; // the fake model's answer to a DTMF text item (fake-realtime.mjs)
    private const double AfterHz = 660;

    private static LocalProductOptions LoopbackAgents() => new()
    {
        ConfigureFunctions = s =>
        {
            s["Streams:AllowLoopback"] = "true";
            s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
        },
        ConfigureMediaNode = s =>
        {
            s["Streams:AllowLoopback"] = "true";
            s["DOTNET_ENVIRONMENT"] = "Development";
        },
    };

    [Fact]
    public async Task A_call_streamed_to_an_Agents_SDK_twilio_agent_hears_itself_an_octave_up_sends_dtmf_is_barged_in_on_and_goes_on_when_the_agent_closes()
    {
        await using var agent = await NodeAgent.StartAsync("twilio-agent.mjs");
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new
            {
                steps = new object[]
                {
                    new { name = "agent", stream = new { url = agent.Url.AbsoluteUri, dialect = "twilio", token = "agent-token", customParameters = new { lang = "en" } } },
                    new { tone = new { hz = (int)AfterHz, ms = 2000 } },
                },
            },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);

        // The SDK's transport got Twilio's start for our call, with the plan's parameters and token.
        var connected = await agent.WaitForEventAsync("agent-connected");
        Assert.Equal("Bearer agent-token", connected.GetProperty("authorization").GetString());
        var start = (await agent.WaitForAsync(l => Twilio(l) == "start", "start")).GetProperty("message").GetProperty("start");
        Assert.Equal(callId, start.GetProperty("callSid").GetString());
        Assert.Equal("en", start.GetProperty("customParameters").GetProperty("lang").GetString());
        await agent.WaitForEventAsync("realtime-connected");

        // The caller's 440 Hz goes to the model and comes back one octave up.
        var octave = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20);
        Assert.InRange(octave.FrequencyHz, 2 * CallerHz - 20, 2 * CallerHz + 20);

        // DTMF 5 reaches the agent (a twilio_message), whose glue tells the model; its answer is heard.
        phone.PressDigits("5");
        var dtmf = (await agent.WaitForAsync(l => Twilio(l) == "dtmf", "dtmf")).GetProperty("message").GetProperty("dtmf");
        Assert.Equal("5", dtmf.GetProperty("digit").GetString());
        var answer = await phone.WaitForToneAsync(AnswerHz, Wait, toleranceHz: 20, since: octave.At);

        // 2 s into its 4 s answer the model hears speech: the transport sends `clear` and our node drops the rest,
        // so the octave echo is back (it was queued behind the answer otherwise).
        await agent.WaitForEventAsync("speech-started");
        var back = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20, since: answer.At);

        // '#' makes the agent close the socket: the plan goes on with its next step.
        phone.PressDigits("#");
        await agent.WaitForEventAsync("agent-closed");
        await phone.WaitForToneAsync(AfterHz, Wait, toleranceHz: 20, since: back.At);

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        var detail = stream.GetProperty("detail").GetString()!;
        Assert.Contains("'agent' (twilio) ended: AgentClosed", detail, StringComparison.Ordinal);
        Assert.Contains(" 1 clears", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-token", ended.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16_000)]
    [InlineData(24_000)]
    public async Task A_call_streamed_to_our_pcm_agent_hears_itself_an_octave_up_and_the_agents_clear_and_close_work(int sampleRate)
    {
        await using var agent = await NodeAgent.StartAsync("pcm-agent.mjs");
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new
            {
                steps = new object[]
                {
                    new { stream = new { url = agent.Url.AbsoluteUri, dialect = "pcm", sampleRate } },
                    new { tone = new { hz = (int)AfterHz, ms = 2000 } },
                },
            },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);

        var start = (await agent.WaitForAsync(l => Pcm(l) == "start", "start")).GetProperty("message");
        Assert.Equal(callId, start.GetProperty("callId").GetString());
        Assert.Equal(sampleRate, start.GetProperty("mediaFormat").GetProperty("sampleRate").GetInt32());
        var octave = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20);

        phone.PressDigits("5");
        Assert.Equal("5", (await agent.WaitForAsync(l => Pcm(l) == "dtmf", "dtmf")).GetProperty("message").GetProperty("digit").GetString());
        var answer = await phone.WaitForToneAsync(AnswerHz, Wait, toleranceHz: 20, since: octave.At);

        // The agent clears 2 s into its 4 s answer: the mark it sent after the answer comes back at once, and the echo is heard again.
        await agent.WaitForEventAsync("cleared");
        var mark = (await agent.WaitForAsync(l => Pcm(l) == "mark", "mark")).GetProperty("message");
        Assert.Equal("answer-1", mark.GetProperty("name").GetString());
        var back = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20, since: answer.At);

        phone.PressDigits("#");
        await agent.WaitForEventAsync("agent-closed");
        await phone.WaitForToneAsync(AfterHz, Wait, toleranceHz: 20, since: back.At);

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("completed", ended.Outcome());
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        var detail = stream.GetProperty("detail").GetString()!;
        Assert.Contains("(pcm) ended: AgentClosed", detail, StringComparison.Ordinal);
        Assert.Contains(" 1 marks, 1 clears", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_streamed_straight_to_a_realtime_model_sets_the_session_hears_itself_an_octave_up_and_truncates_the_answer_on_speech_started()
    {
        await using var model = await NodeAgent.StartAsync("realtime-endpoint.mjs");
        using var logs = new CollectingLogs();
        var options = LoopbackAgents();
        options.ConfigureLogging = l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        await using var product = await LocalProduct.StartAsync(options);
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));

        var url = new Uri(model.Url, "/v1/realtime?model=gpt-realtime");
        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new
            {
                steps = new object[]
                {
                    new
                    {
                        name = "model",
                        stream = new
                        {
                            url = url.AbsoluteUri, dialect = "openai-realtime", token = "sk-fake-key", instructions = "Answer one octave up.", voice = "marin",
                            turnDetection = new { type = "server_vad", silenceDurationMs = 400 },
                        },
                    },
                    new { tone = new { hz = (int)AfterHz, ms = 2000 } },
                },
            },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);

        // The node connected to the endpoint's URL (model in the query) with the key, and set the session from the plan.
        var connection = await model.WaitForEventAsync("realtime-connection");
        Assert.Equal("/v1/realtime?model=gpt-realtime", connection.GetProperty("url").GetString());
        Assert.Equal("Bearer sk-fake-key", connection.GetProperty("authorization").GetString());
        var session = (await model.WaitForEventAsync("session-update")).GetProperty("session");
        Assert.Equal("Answer one octave up.", session.GetProperty("instructions").GetString());
        Assert.Equal("marin", session.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal(24000, session.GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal(400, session.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").GetProperty("silence_duration_ms").GetInt32());

        // Audio both ways at 24 kHz PCM16: the caller's 440 Hz comes back an octave up.
        var octave = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20);

        // 2 s in, the model answers with 4 s of 1000 Hz and hears the caller speak 2 s into it: the node drops the rest
        // at once and truncates the answer to what the caller heard; the echo is back.
        var answer = await phone.WaitForToneAsync(AnswerHz, Wait, toleranceHz: 20, since: octave.At);
        await model.WaitForEventAsync("speech-started");
        var truncate = await model.WaitForEventAsync("truncate");
        Assert.Equal(("item_answer", 0), (truncate.GetProperty("item_id").GetString(), truncate.GetProperty("content_index").GetInt32()));
        var heardMs = truncate.GetProperty("audio_end_ms").GetInt32();
        Assert.InRange(heardMs, 20, 4000 - 20); // part of the answer: neither none nor all of it
        var back = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20, since: answer.At);

        // The phone heard about as much of the answer as the node told the model (media frames, not wall time).
        var answerFrames = phone.HeardFrames.Where(f => Math.Abs(f.FrequencyHz - AnswerHz) <= 30).Select(f => f.RtpTimestamp).Distinct().Count();
        output.WriteLine($"answer: {answerFrames} frames heard, truncated at {heardMs} ms");
        Assert.InRange(answerFrames, 1, 200 - 10);
        Assert.InRange(answerFrames * 20, heardMs - 200, heardMs + 200);

        // The model closing the socket ends the step: the plan goes on.
        await model.WaitForEventAsync("realtime-closed");
        await phone.WaitForToneAsync(AfterHz, Wait, toleranceHz: 20, since: back.At);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("completed", ended.Outcome());
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        var detail = stream.GetProperty("detail").GetString()!;
        Assert.Contains("'model' (openai-realtime) ended: AgentClosed", detail, StringComparison.Ordinal);
        Assert.Contains(" 1 clears", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-fake-key", ended.GetRawText(), StringComparison.Ordinal);

        // The dial's key was stored with the call's row; it is in no API answer and no log line of any component.
        var (_, list) = await product.Calls.ListAsync();
        Assert.Contains(callId, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-fake-key", list.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("openai-realtime stream connected", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("sk-fake-key", StringComparison.Ordinal));

        // The node measured its own latency both ways for this stream (docs/performance.md has the figures).
        var (up, down) = CollectingLogs.StreamLatency(logs, callId);
        output.WriteLine(logs.Messages.First(l => l.Contains("stream latency", StringComparison.Ordinal) && l.Contains(callId, StringComparison.Ordinal)));
        Assert.True(up > 100, $"caller frames measured: {up}");
        Assert.True(down > 0, $"agent frames measured: {down}");
    }

    [Fact]
    public async Task Barge_in_the_phone_hears_the_agents_audio_stop_within_3_frames_of_media_time_after_clear_and_marks_come_back_in_order()
    {
        await using var agent = await NodeAgent.StartAsync("pcm-agent.mjs", "barge-in");
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Silent);

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new { steps = new object[] { new { stream = new { url = agent.Url.AbsoluteUri, dialect = "pcm", sampleRate = 16000 } } } },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);

        // The agent sent 5 s (250 frames) with a mark after each second, and `clear` when "1s" came back (frame 50 played).
        await agent.WaitForEventAsync("cleared");
        await agent.WaitForEventAsync("agent-closed");
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("completed", ended.Outcome());
        var marks = agent.Lines().Where(l => Pcm(l) == "mark").Select(l => l.GetProperty("message").GetProperty("name").GetString()).ToList();
        Assert.Equal(["1s", "2s", "3s", "4s", "5s"], marks);

        // Measured on the phone in media time: the packets (one RTP timestamp, 20 ms each) that carried the answer.
        // 50 played before the clear was sent; at most 3 more may follow it. (Counting packets, not the span of their
        // timestamps: a pacer that skips ticks on a loaded machine advances the timestamps without sending audio.)
        var answer = phone.HeardFrames.Where(f => Math.Abs(f.FrequencyHz - AnswerHz) <= 30).Select(f => f.RtpTimestamp).Distinct().ToList();
        Assert.NotEmpty(answer);
        var first = answer.Min();
        var span = (answer.Max(t => unchecked(t - first)) / 960) + 1;
        output.WriteLine($"answer heard in {answer.Count} frames over {span} frames of media time; the clear was sent after frame 50");
        Assert.InRange(answer.Count, 49, 50 + 3);
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        Assert.Contains(" 5 marks, 1 clears", stream.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_cannot_connect_runs_its_onError_steps_and_the_history_says_why()
    {
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Silent);
        var port = ClosedPort();

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new
            {
                steps = new object[]
                {
                    new { stream = new { url = $"ws://127.0.0.1:{port}/agent", dialect = "pcm", sampleRate = 24000, onError = new object[] { new { tone = new { hz = (int)AfterHz, ms = 1500 } } } } },
                },
            },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        await phone.WaitForToneAsync(AfterHz, Wait, toleranceHz: 20);

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("completed", ended.Outcome());
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        Assert.Contains("(pcm) ended: ConnectFailed", stream.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_vault_key_the_node_cannot_read_fails_the_connect_runs_onError_and_the_history_says_why()
    {
        // The local node has no StreamKeys:KeyVaultUri: a plan naming a secret must not connect without its key.
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Silent);

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new
            {
                steps = new object[]
                {
                    new { stream = new { url = $"ws://127.0.0.1:{ClosedPort()}/v1/realtime", dialect = "openai-realtime", keyVaultSecret = "openai-key", onError = new object[] { new { tone = new { hz = (int)AfterHz, ms = 1500 } } } } },
                },
            },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        await phone.WaitForToneAsync(AfterHz, Wait, toleranceHz: 20);

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        Assert.Contains("(openai-realtime) ended: ConnectFailed", stream.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("no Key Vault configured (StreamKeys:KeyVaultUri) to read the secret 'openai-key'", stream.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_to_a_plain_ws_public_host_is_refused_at_dial_time_with_the_member_at_fault()
    {
        await using var product = await LocalProduct.StartAsync(LoopbackAgents());
        var (status, problem) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new { steps = new object[] { new { stream = new { url = "ws://agent.example.com/media", dialect = "twilio" } } } },
        });
        Assert.Equal(400, status);
        Assert.Contains("audio.steps[0].stream.url", problem.GetRawText(), StringComparison.Ordinal);
    }

    private static string? Pcm(JsonElement line) =>
        NodeAgent.Event(line) == "pcm" && line.TryGetProperty("pcm", out var t) ? t.GetString() : null;

    private static string? Twilio(JsonElement line) =>
        NodeAgent.Event(line) == "twilio" && line.TryGetProperty("twilio", out var t) ? t.GetString() : null;

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
