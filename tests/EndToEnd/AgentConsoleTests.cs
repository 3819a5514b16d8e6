using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.FunctionsHost.Http;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The agent console in a real Chromium (playwright-core, Debian's chromium, in the loopback-only namespace), against
/// the whole product: the simulator's user calls a number whose inbound plan hands the call to queue <c>support</c>;
/// two signed-in agent pages ring; agent A accepts and the call vanishes from B's page; audio flows both ways through
/// the MediaNode's bridge (the phone hears the agent's 880 Hz, A's page hears the caller's 440 Hz); A hangs up and
/// the call ends Completed with the agent and queue on its record.
/// </summary>
public sealed class AgentConsoleTests
{
    private const double AgentHz = 880;
    private const double CallerHz = 440;
    private const string Role = "CallAgent";

    private static readonly AppServiceAuthEmulation Agents = new()
    {
        Users =
        [
            new DevelopmentUser("00000000-0000-0000-0000-0000000000a1", "agent-a", [Role]),
            new DevelopmentUser("00000000-0000-0000-0000-0000000000b2", "agent-b", [Role]),
        ],
    };

    [Fact]
    public async Task Inbound_two_agents_ring_A_accepts_B_loses_it_audio_both_ways_and_hang_up_completes()
    {
        var plan = JsonSerializer.Serialize(new { steps = new object[] { new { connectAgent = new { queue = "support", timeoutSeconds = 60 } } } });
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            AppServiceAuth = Agents,
            ConfigureFunctions = s =>
            {
                s[$"CallingSettings:Numbers:{s["Meta:DefaultPhoneNumberId"]}:InboundPlan"] = plan;
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // the sign-in emulation refuses anything else
            },
        });
        var wav = Path.Combine(Path.GetTempPath(), $"agent-{AgentHz}-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, ToneWav(AgentHz, seconds: 5));
        try
        {
            await using var pages = await ConsoleAgents.StartAsync(product.FunctionsBaseAddress, wav);
            await pages.SendAsync("open", "a", ("user", "agent-a"));
            await pages.SendAsync("open", "b", ("user", "agent-b"));
            await pages.SendAsync("available", "a");
            await pages.SendAsync("available", "b");

            product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));
            var simulated = await product.Simulator.StartInboundCallAsync(User);
            var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
            var callId = call.Id();

            // Both pages ring (pushed through the Web PubSub stand-in), with the caller's number.
            JsonObject ringingA;
            try
            {
                ringingA = await pages.SendAsync("waitRinging", "a", ("callId", callId));
            }
            catch (InvalidOperationException ex)
            {
                var now = await product.Calls.GetAsync(callId);
                var asked = now.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("trigger").GetString() == "agentRequested");
                throw new Xunit.Sdk.XunitException(
                    $"The call never rang on agent A's page (call {now.State()}, AgentRequested from the node: {(asked ? "yes" : "NO")}, "
                    + $"lastError {(now.Has("lastError") ? now.GetProperty("lastError").ToString() : "none")}). The connectAgent step and the bridge run on the "
                    + "MediaNode (engineer bridge's side of issue 15): a node without them never asks for an agent.\n" + ex.Message);
            }

            Assert.Contains("+" + User, (string?)ringingA["text"], StringComparison.Ordinal);
            await pages.SendAsync("waitRinging", "b", ("callId", callId));

            // A accepts: the call vanishes from B's page; A's browser leg connects through the node.
            await pages.SendAsync("accept", "a", ("callId", callId));
            await pages.SendAsync("waitGone", "b", ("callId", callId));
            await pages.SendAsync("waitConnected", "a");

            // Audio both ways through the bridge.
            var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
            var heardByPhone = await phone.WaitForToneAsync(AgentHz, Wait);
            Assert.InRange(heardByPhone.FrequencyHz, AgentHz - 10, AgentHz + 10);
            var heardByPage = await pages.AssertHearsAsync("a", CallerHz);
            Assert.InRange(heardByPage.Hz, CallerHz - 5, CallerHz + 5);

            var connected = await product.Calls.WaitAsync(callId, c => c.Has("agent"), Wait);
            Assert.Equal("support", connected.GetProperty("queue").GetString());
            Assert.Equal("agent-a", connected.GetProperty("agent").GetProperty("name").GetString());

            // A hangs up: Meta gets terminate, the call ends Completed (the business ended it: businessHangup).
            await pages.SendAsync("hangup", "a");
            var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
            Assert.Equal("ended", ended.State());
            Assert.Equal("completed", ended.Outcome());
            await product.WaitForGraphCallActionAsync("terminate");
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>
    /// The console's signalling on its own (no bridge needed): the node's <c>AgentRequested</c> (sent here signed with
    /// the node's key, as the node sends it) rings both pages through the Web PubSub stand-in; A accepts, the call
    /// vanishes from B's page, and A's browser offer becomes a <c>ConnectAgent</c> command (its leg id on the ring).
    /// </summary>
    [Fact]
    public async Task Ringing_is_pushed_to_both_pages_and_a_taken_call_vanishes_from_the_other()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            AppServiceAuth = Agents,
            ConfigureFunctions = s => s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        });
        var wav = Path.Combine(Path.GetTempPath(), $"agent-{AgentHz}-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, ToneWav(AgentHz, seconds: 5));
        try
        {
            await using var pages = await ConsoleAgents.StartAsync(product.FunctionsBaseAddress, wav);
            await pages.SendAsync("open", "a", ("user", "agent-a"));
            await pages.SendAsync("open", "b", ("user", "agent-b"));
            await pages.SendAsync("available", "a");
            await pages.SendAsync("available", "b");

            var simulated = await product.Simulator.StartInboundCallAsync(User);
            var callId = (await product.Calls.FindByWacidAsync(simulated.Id, Wait)).Id();
            await product.Calls.WaitForStateAsync(callId, "connected", Wait);

            var pushed = product.PubSub.Sent.Count;
            var signer = new MediaEventSigner(new HmacSha256Signature(LocalProduct.MediaEventsSecret), TimeProvider.System);
            var body = MediaMessageSerializer.Serialize(new AgentRequested
            {
                CallId = callId, NodeId = product.NodeId, CreatedAt = DateTimeOffset.UtcNow, Queue = "support", TimeoutSeconds = 120,
            });
            var headers = signer.Sign(body);
            using var http = new HttpClient { BaseAddress = product.FunctionsBaseAddress };
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/media/events") { Content = content };
            request.Headers.Add(MediaEventSigner.SignatureHeaderName, headers.Signature);
            request.Headers.Add(MediaEventSigner.TimestampHeaderName, headers.Timestamp);
            request.Headers.Add(MediaEventSigner.NodeHeaderName, product.NodeId);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (var response = await http.SendAsync(request))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }

            var ringingA = await pages.SendAsync("waitRinging", "a", ("callId", callId));
            var ringingB = await pages.SendAsync("waitRinging", "b", ("callId", callId));
            Console.WriteLine($"AgentRequested -> both pages ringing: {clock.ElapsedMilliseconds} ms");
            Assert.Contains("+" + User, (string?)ringingA["text"], StringComparison.Ordinal);
            Assert.Contains("+" + User, (string?)ringingB["text"], StringComparison.Ordinal);
            // Pushed, not polled: one ringing message per agent went through the stand-in's REST API.
            var ringingPushes = product.PubSub.Sent.Skip(pushed).Where(m => m.Json.Contains("\"ringing\"", StringComparison.Ordinal)).Select(m => m.User).Order().ToList();
            Assert.Equal([Agents.Users[0].Id, Agents.Users[1].Id], ringingPushes);

            await pages.SendAsync("accept", "a", ("callId", callId));
            await pages.SendAsync("waitGone", "b", ("callId", callId));
            Assert.Contains(product.PubSub.Sent, m => m.User == Agents.Users[1].Id && m.Json.Contains("\"gone\"", StringComparison.Ordinal));

            // A's page offered: the ring holds its leg id (the ConnectAgent command carries it to the node).
            var leg = await WaitForLegAsync(product, callId);
            Assert.StartsWith("leg-", leg, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(wav);
        }
    }

    private static async Task<string> WaitForLegAsync(LocalProduct product, string callId)
    {
        var store = product.Functions.Services.GetRequiredService<Serverless.Functions.AgentConsole.ConsoleStore>();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline && await poll.WaitForNextTickAsync())
        {
            if (await store.GetRingAsync(callId, CancellationToken.None) is { LegId: { } legId, TakenBy: "00000000-0000-0000-0000-0000000000a1" })
            {
                return legId;
            }
        }

        throw new TimeoutException("Agent A's page never sent its offer.");
    }

    /// <summary>A mono 16-bit 48 kHz WAV of one tone (Chromium's fake microphone loops it).</summary>
    private static byte[] ToneWav(double hz, int seconds)
    {
        const int rate = 48000;
        var samples = rate * seconds;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + (samples * 2));
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            w.Write((short)(Math.Sin(2 * Math.PI * hz * i / rate) * 12000));
        }

        w.Flush();
        return stream.ToArray();
    }
}
