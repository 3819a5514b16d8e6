using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.WebRtc.Media;
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
/// the call ends Completed with the agent and queue on its record, and A's page lists it among its recent calls.
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

            // A's page lists the finished call among its recent calls (the product's only call): inbound, the caller's
            // number, the outcome, a duration and the agent who took it.
            var recent = (await pages.SendAsync("waitRecent", "a", ("match", "+" + User)))["cells"]!.AsArray().Select(c => (string?)c).ToList();
            Assert.Equal("inbound", recent[1]);
            Assert.Contains("+" + User, recent[2], StringComparison.Ordinal);
            Assert.Equal("completed", recent[3]);
            Assert.Matches(@"^\d+ s$", recent[4]);
            Assert.Equal("agent-a", recent[5]);
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

    /// <summary>
    /// IVR to agent, on one page: the plan plays a menu, the user presses 2, the plan's connectAgent rings the page while
    /// the caller hears the queue's configured hold prompt (the step names none); the agent talks. Then, from the page:
    /// a keypad digit reaches the phone, Mute silences the agent at the phone within 10 frames of media time, and Hand
    /// back returns the caller to the plan (its next tone plays, then the plan hangs up: Completed). The step recorded
    /// the bridged conversation: the recording holds both sides, mixed.
    /// </summary>
    [Fact]
    public async Task Ivr_press_2_rings_the_page_over_the_queue_hold_prompt_then_keypad_mute_and_hand_back_from_the_page()
    {
        const double MenuHz = 350, HoldHz = 440, AfterHz = 660, CallerVoiceHz = 523;
        var plan = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { name = "menu", tone = new { hz = (int)MenuHz, ms = 2000 } },
                new { name = "choice", collect = new { max = 1, timeoutMs = 30000 } },
                new { connectAgent = new { queue = "support", timeoutSeconds = 60, record = "wav" } },
                new { name = "survey", tone = new { hz = (int)AfterHz, ms = 3000 } },
                new { hangup = new { } },
            },
        });
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            AppServiceAuth = Agents,
            ConfigureFunctions = s =>
            {
                s[$"CallingSettings:Numbers:{s["Meta:DefaultPhoneNumberId"]}:InboundPlan"] = plan;
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
            },
        });
        using (var http = new HttpClient { BaseAddress = product.FunctionsBaseAddress, DefaultRequestHeaders = { { "x-functions-key", product.Functions.Keys.MasterKey } } })
        using (var body = new StringContent("{\"ringStrategy\":\"all\",\"holdPrompt\":\"beep\"}", System.Text.Encoding.UTF8, "application/json"))
        {
            // The queue's hold prompt: the bundled beep (440 Hz), looped while the caller waits.
            using var put = await http.PutAsync(new Uri("api/console/queues/support", UriKind.Relative), body);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var wav = Path.Combine(Path.GetTempPath(), $"agent-{AgentHz}-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, ToneWav(AgentHz, seconds: 5));
        try
        {
            await using var pages = await ConsoleAgents.StartAsync(product.FunctionsBaseAddress, wav);
            await pages.SendAsync("open", "a", ("user", "agent-a"));
            await pages.SendAsync("available", "a");

            product.Phones.SetScript(User, PhoneScript.Tone(CallerVoiceHz));
            var simulated = await product.Simulator.StartInboundCallAsync(User);
            var callId = (await product.Calls.FindByWacidAsync(simulated.Id, Wait)).Id();
            var phone = await product.Phones.WaitForPhoneAsync(User, Wait);

            // The menu plays; the user presses 2; the page rings while the caller hears the queue's hold prompt.
            await phone.WaitForToneAsync(MenuHz, Wait);
            var pressed = DateTimeOffset.UtcNow;
            phone.PressDigits("2");
            await pages.SendAsync("waitRinging", "a", ("callId", callId));
            var hold = await phone.WaitForToneAsync(HoldHz, Wait, since: pressed);
            Assert.InRange(hold.FrequencyHz, HoldHz - 10, HoldHz + 10);
            var queued = await product.Calls.WaitAsync(callId, c => c.GetProperty("inputs").GetArrayLength() > 0, Wait);
            var choice = Assert.Single(queued.GetProperty("inputs").EnumerateArray());
            Assert.Equal(("choice", "2"), (choice.GetProperty("name").GetString(), choice.GetProperty("digits").GetString()));

            // The agent accepts and talks; the page hears the caller.
            await pages.SendAsync("accept", "a", ("callId", callId));
            await pages.SendAsync("waitConnected", "a");
            var accepted = DateTimeOffset.UtcNow;
            Assert.InRange((await phone.WaitForToneAsync(AgentHz, Wait, since: accepted)).FrequencyHz, AgentHz - 10, AgentHz + 10);
            Assert.InRange((await pages.AssertHearsAsync("a", CallerVoiceHz)).Hz, CallerVoiceHz - 5, CallerVoiceHz + 5);

            // The page's keypad: the phone reports the digit (RFC 4733 re-sent on the WhatsApp leg).
            await pages.SendAsync("key", "a", ("key", "7"));
            await WaitUntilAsync(() => phone.DigitsHeard.Contains('7', StringComparison.Ordinal), "the phone to hear the page's 7");

            // Mute, counted on the phone's RTP timestamps: at most 10 packets of the agent's tone after the press.
            var before = phone.HeardFrames[^1].RtpTimestamp;
            await pages.SendAsync("mute", "a");
            await WaitUntilAsync(() => SilentRunAfter(phone.HeardFrames, before) is not null, "the phone to hear 25 silent packets after Mute");
            var frames = phone.HeardFrames;
            var silentFrom = SilentRunAfter(frames, before)!.Value;
            var toneAfterMute = frames.Where(f => After(f.RtpTimestamp, before) && Math.Abs(f.FrequencyHz - AgentHz) <= 30).Select(f => f.RtpTimestamp).Distinct().Count();
            Console.WriteLine($"agent tone packets at the phone after Mute was pressed: {toneAfterMute}");
            Assert.InRange(toneAfterMute, 0, 10);
            Assert.DoesNotContain(frames, f => After(f.RtpTimestamp, silentFrom) && Math.Abs(f.FrequencyHz - AgentHz) <= 30);

            // Hand back: the page leaves the call; the caller goes on with the plan (its survey tone), which hangs up.
            var handedBack = DateTimeOffset.UtcNow;
            var left = await pages.SendAsync("handback", "a");
            Assert.Contains("handed back", (string?)left["state"], StringComparison.Ordinal);
            Assert.InRange((await phone.WaitForToneAsync(AfterHz, Wait, since: handedBack)).FrequencyHz, AfterHz - 10, AfterHz + 10);
            var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.Has("recording"), Wait);
            Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
            Assert.Equal("agent-a", ended.GetProperty("agent").GetProperty("name").GetString());
            var events = ended.GetProperty("events").EnumerateArray().ToList();
            var triggers = events.Select(e => e.GetProperty("trigger").GetString()).ToList();
            Assert.True(triggers.IndexOf("agentRequested") < triggers.IndexOf("agentConnected") && triggers.IndexOf("agentConnected") < triggers.IndexOf("agentLegEnded"),
                string.Join(", ", triggers));
            Assert.Contains(events, e => e.GetProperty("trigger").GetString() == "agentLegEnded"
                && e.GetProperty("detail").GetString()!.Contains("Disconnected", StringComparison.Ordinal));

            // The step's recording holds both sides mixed: the caller's tone and the agent's, each far above a tone neither made.
            var recording = await DownloadAsync(ended.GetProperty("recording").GetProperty("url").GetString()!);
            var (rate, _, samples) = WavFile.Read(recording);
            var (caller, agent, neither) = (ToneLevel(samples, rate, CallerVoiceHz), ToneLevel(samples, rate, AgentHz), ToneLevel(samples, rate, 700));
            Console.WriteLine($"recording: caller {caller:F0}, agent {agent:F0}, 700 Hz {neither:F0}");
            Assert.True(caller > 10 * neither && agent > 10 * neither, $"recording levels: caller {caller:F0}, agent {agent:F0}, 700 Hz {neither:F0}");
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>
    /// Outbound from the console: agent A dials a user who allows calls from the page's form; the user answers, the
    /// node bridges A's browser (its own agent only), audio flows both ways; A hangs up and the call completes.
    /// </summary>
    [Fact]
    public async Task Outbound_from_the_page_to_a_permitted_user_audio_both_ways_and_hang_up_completes()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            AppServiceAuth = Agents,
            ConfigureFunctions = s => s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        });
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(CallerHz));
        var wav = Path.Combine(Path.GetTempPath(), $"agent-{AgentHz}-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, ToneWav(AgentHz, seconds: 5));
        try
        {
            await using var pages = await ConsoleAgents.StartAsync(product.FunctionsBaseAddress, wav);
            await pages.SendAsync("open", "a", ("user", "agent-a"));
            var dialled = await pages.SendAsync("dial", "a", ("to", "+" + User));
            Assert.StartsWith("Ringing +" + User, (string?)dialled["status"], StringComparison.Ordinal);
            await pages.SendAsync("waitConnected", "a");

            var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
            Assert.InRange((await phone.WaitForToneAsync(AgentHz, Wait)).FrequencyHz, AgentHz - 10, AgentHz + 10);
            Assert.InRange((await pages.AssertHearsAsync("a", CallerHz)).Hz, CallerHz - 5, CallerHz + 5);

            var call = await product.Calls.FindByWacidAsync(phone.Context.CallId, Wait);
            call = await product.Calls.WaitAsync(call.Id(), c => c.Has("agent"), Wait);
            Assert.Equal("outbound", call.GetProperty("direction").GetString());
            Assert.Equal("agent-a", call.GetProperty("agent").GetProperty("name").GetString());
            Assert.Equal("agent." + Agents.Users[0].Id, call.GetProperty("queue").GetString());

            await pages.SendAsync("hangup", "a");
            var ended = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal(), Wait);
            Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
            await product.WaitForGraphCallActionAsync("terminate");
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>
    /// No agent available: the caller waits out the step's timeout, then its onNoAgent steps run: a prompt the phone
    /// hears and a voicemail recording of the caller, which GET returns as a link holding the caller's voice.
    /// </summary>
    [Fact]
    public async Task No_agent_available_plays_onNoAgent_and_records_a_voicemail()
    {
        const double SorryHz = 350, VoicemailHz = 660;
        var plan = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new
                {
                    connectAgent = new
                    {
                        queue = "support",
                        timeoutSeconds = 2,
                        onNoAgent = new object[]
                        {
                            new { tone = new { hz = (int)SorryHz, ms = 1000 } },
                            new { name = "voicemail", record = new { maxSeconds = 2, format = "wav" } },
                        },
                    },
                },
                new { hangup = new { } },
            },
        });
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s => s[$"CallingSettings:Numbers:{s["Meta:DefaultPhoneNumberId"]}:InboundPlan"] = plan,
        });
        product.Phones.SetScript(User, PhoneScript.Tone(VoicemailHz));
        var simulated = await product.Simulator.StartInboundCallAsync(User);
        var callId = (await product.Calls.FindByWacidAsync(simulated.Id, Wait)).Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        Assert.InRange((await phone.WaitForToneAsync(SorryHz, Wait)).FrequencyHz, SorryHz - 10, SorryHz + 10);

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.Has("recording"), Wait);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        Assert.False(ended.Has("agent"), ended.ToString());
        Assert.Equal("support", ended.GetProperty("queue").GetString());
        Assert.Contains(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "agentRequestEnded");
        var recording = ended.GetProperty("recording");
        var voicemail = await DownloadAsync(recording.GetProperty("url").GetString()!);
        Assert.InRange(recording.GetProperty("durationSeconds").GetDouble(), 1.5, 2.0);
        var (rate, _, samples) = WavFile.Read(voicemail);
        Assert.InRange(ToneDetector.EstimateFrequency(samples, rate), VoicemailHz - 5, VoicemailHz + 5);
    }

    // Mean magnitude of one frequency over 100 ms blocks (Goertzel): a tone's level whatever its phase does between frames.
    private static double ToneLevel(short[] samples, int rate, double hz)
    {
        var block = rate / 10;
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / rate);
        var (sum, blocks) = (0.0, 0);
        for (var start = 0; start + block <= samples.Length; start += block, blocks++)
        {
            double s1 = 0, s2 = 0;
            for (var i = start; i < start + block; i++)
            {
                var s0 = samples[i] + (coefficient * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            sum += Math.Sqrt(Math.Max(0, (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2))) / block;
        }

        return blocks == 0 ? 0 : sum / blocks;
    }

    private static bool After(uint timestamp, uint reference) => unchecked((int)(timestamp - reference)) > 0;

    // The RTP timestamp where 25 consecutive silent packets (half a second) begin after the reference, or null.
    private static uint? SilentRunAfter(IReadOnlyList<HeardFrame> frames, uint reference)
    {
        var run = 0;
        uint? start = null;
        foreach (var f in frames.Where(f => After(f.RtpTimestamp, reference)))
        {
            if (f.FrequencyHz > 0)
            {
                run = 0;
                start = null;
                continue;
            }

            start ??= f.RtpTimestamp;
            if (++run >= 25)
            {
                return start;
            }
        }

        return null;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || !await poll.WaitForNextTickAsync())
            {
                throw new TimeoutException("Timed out waiting for " + what + ".");
            }
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
