using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Xunit.Abstractions;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The stream step reached another way (an inbound call through its number's inbound plan), with both tracks, and the
/// plan's agent secret kept out of everything the business sees (the API) or the operator reads (every log line).
/// </summary>
public sealed class StreamRoutingTests(ITestOutputHelper output)
{
    private const double CallerHz = 440;
    private const double AnswerHz = 1000;
    private const string Secret = "agent-secret-7f3a";

    [Fact]
    public async Task An_inbound_call_routed_by_its_numbers_inbound_plan_into_a_stream_is_heard_by_the_agent_and_hears_its_answer_and_the_secret_stays_out_of_the_api_and_logs()
    {
        await using var agent = await NodeAgent.StartAsync("pcm-agent.mjs");
        var plan = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { name = "agent", stream = new { url = agent.Url.AbsoluteUri, dialect = "pcm", sampleRate = 16000, headers = new Dictionary<string, string> { ["X-Agent-Key"] = Secret } } },
            },
        });
        using var logs = new CollectingLogs();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s[$"CallingSettings:Numbers:{s["Meta:DefaultPhoneNumberId"]}:InboundPlan"] = plan;
                s["Streams:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
            },
            ConfigureMediaNode = s =>
            {
                s["Streams:AllowLoopback"] = "true";
                s["DOTNET_ENVIRONMENT"] = "Development";
            },
            ConfigureLogging = l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace),
        });
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));

        // The user calls the business; the number's plan hands the call to the agent, which hears the caller.
        var simulated = await product.Simulator.StartInboundCallAsync(User);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
        var start = (await agent.WaitForAsync(l => Pcm(l) == "start", "start")).GetProperty("message");
        Assert.Equal(call.Id(), start.GetProperty("callId").GetString());

        // The agent answers what it hears one octave up, and its DTMF answer is heard too.
        var octave = await phone.WaitForToneAsync(2 * CallerHz, Wait, toleranceHz: 20);
        phone.PressDigits("5");
        Assert.Equal("5", (await agent.WaitForAsync(l => Pcm(l) == "dtmf", "dtmf")).GetProperty("message").GetProperty("digit").GetString());
        await phone.WaitForToneAsync(AnswerHz, Wait, toleranceHz: 20, since: octave.At);
        await agent.WaitForEventAsync("cleared");

        // '#' makes the agent close: the plan has no more steps, so the call ends completed.
        phone.PressDigits("#");
        await agent.WaitForEventAsync("agent-closed");
        var ended = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        var stream = Assert.Single(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "streamReported");
        Assert.Contains("'agent' (pcm) ended: AgentClosed", stream.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The secret reached the agent's handshake only: not the call, not the list, not one log line of any component.
        Assert.DoesNotContain(Secret, ended.GetRawText(), StringComparison.Ordinal);
        var (listStatus, list) = await product.Calls.ListAsync();
        Assert.Equal(200, listStatus);
        Assert.Contains(call.Id(), list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, list.GetRawText(), StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("stream connected", StringComparison.Ordinal)); // the logs were captured
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));

        // The node measured its latency both ways for this stream.
        var (up, down) = CollectingLogs.StreamLatency(logs, call.Id());
        output.WriteLine(logs.Messages.First(l => l.Contains("stream latency", StringComparison.Ordinal)));
        Assert.True(up > 100 && down > 0, $"frames measured: {up} caller to agent, {down} agent to caller");
    }

    [Fact]
    public async Task With_both_tracks_the_twilio_agent_receives_what_the_call_played_as_the_outbound_track_in_order()
    {
        await using var agent = await NodeAgent.StartAsync("twilio-tracks-agent.mjs");
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s["Streams:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
            },
            ConfigureMediaNode = s =>
            {
                s["Streams:AllowLoopback"] = "true";
                s["DOTNET_ENVIRONMENT"] = "Development";
            },
        });
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));

        var (status, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            audio = new { steps = new object[] { new { stream = new { url = agent.Url.AbsoluteUri, dialect = "twilio", tracks = "both" } } } },
        });
        Assert.True(status == 202, $"dial answered {status}: {dial}");
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);

        Assert.Equal(["inbound", "outbound"], (await agent.WaitForEventAsync("start")).GetProperty("tracks").EnumerateArray().Select(t => t.GetString()));
        await phone.WaitForToneAsync(AnswerHz, Wait, toleranceHz: 20);

        // Once the mark after its 2 s came back, every frame of it had come back on the outbound track, byte for byte.
        var tracks = await agent.WaitForEventAsync("tracks");
        Assert.Equal(16_000, tracks.GetProperty("sentBytes").GetInt32());
        Assert.Equal(16_000, tracks.GetProperty("outboundBytes").GetInt32());
        Assert.Equal(100, tracks.GetProperty("outboundFrames").GetInt32());
        Assert.True(tracks.GetProperty("outboundMatchesSent").GetBoolean());
        Assert.True(tracks.GetProperty("outboundChunksInOrder").GetBoolean());
        Assert.True(tracks.GetProperty("inboundChunksInOrder").GetBoolean());
        Assert.True(tracks.GetProperty("inboundFrames").GetInt32() > 0);
        await agent.WaitForEventAsync("agent-closed");
        var ended = await product.Calls.WaitAsync(dial.Id(), c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("completed", ended.Outcome());
    }

    private static string? Pcm(JsonElement line) =>
        NodeAgent.Event(line) == "pcm" && line.TryGetProperty("pcm", out var t) ? t.GetString() : null;
}
