using System.Collections.Concurrent;
using System.Text.Json;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Tests.Interop;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.MediaNode.Host.Tests.Bridge;

/// <summary>
/// The agent leg (issue 15) on a real node over real UDP: the WhatsApp user is a phone of its own stack (an ICE-lite
/// peer with its own port, like Meta's relay) playing 440 Hz, the agent is a real Chromium (tests/Phone/chromium-phone.mjs)
/// playing 880 Hz; both legs on the node's one UDP port, bridged without transcoding.
/// </summary>
[Collection(nameof(AgentBridgeTests))]
public sealed class AgentBridgeTests
{
    private const int FrameTicks = 960; // 20 ms at 48 kHz

    [Fact]
    public async Task Chromium_agent_and_phone_hear_each_other_mute_within_10_frames_keypad_reaches_phone_and_the_plan_goes_on()
    {
        await using var node = await NodeHarness.StartAsync();
        using var phoneFactory = await TestKit.PhoneFactoryAsync();
        using var phone = phoneFactory.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(phoneFactory.Codecs, 440) });
        var digits = new ConcurrentQueue<char>();
        phone.DtmfReceived += (_, digit) => digits.Enqueue(digit);
        var callId = TestKit.NewCallId();

        // After the agent disconnects, the plan goes on: a 660 Hz tone the phone can tell from both others.
        using var plan = JsonDocument.Parse("""{"steps":[{"connectAgent":{"queue":"support","timeoutSeconds":120}},{"tone":{"hz":660,"ms":20000}}]}""");
        var phoneConnected = TestKit.StateAsync(phone, PeerConnectionState.Connected);
        await node.Commands.SendAsync(TestKit.Inbound(callId, phone.CreateOffer()) with { AudioPlan = plan.RootElement.Clone() }, CancellationToken.None);
        phone.SetRemoteAnswer((await node.Events.WaitForAsync<AnswerReady>(callId)).Sdp);
        await phoneConnected.WaitAsync(TestKit.Wait);
        var requested = await node.Events.WaitForAsync<AgentRequested>(callId);
        Assert.Equal(("support", 120), (requested.Queue, requested.TimeoutSeconds));

        // Every packet the phone gets, with its RTP header fields and its 880 Hz level (decoded on its own).
        var heard = new ConcurrentQueue<(ushort Seq, uint Ts, bool Agent)>();
        var levels = new ConcurrentQueue<(double Hz, double Rms)>();
        using var decoder = phoneFactory.Codecs.CreateDecoder();
        var pcm = new short[OpusCodec.FrameSamples];
        phone.Receiver!.OpusPacketReceived += (payload, ts, seq) =>
        {
            var samples = decoder.Decode(payload, pcm);
            var span = pcm.AsSpan(0, samples);
            var (hz, rms) = (ToneDetector.EstimateFrequency(span), Rms(span));
            levels.Enqueue((hz, rms));
            heard.Enqueue((seq, ts, Math.Abs(hz - 880) <= 15 && rms > 300));
        };

        await using var browser = await WrtcPhone.StartAsync("chromium-phone.mjs");
        var offer = await browser.CreateOfferAsync();
        await node.Commands.SendAsync(new ConnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 1, LegId = "leg-a", OfferSdp = offer, Agent = "agent-a" }, CancellationToken.None);
        var answer = await node.Events.WaitForAsync<AgentAnswerReady>(callId);
        Assert.Equal("leg-a", answer.LegId);
        await browser.SetRemoteAnswerAsync(answer.Sdp);
        Assert.Equal("leg-a", (await node.Events.WaitForAsync<AgentConnected>(callId)).LegId);
        await browser.Connected.WaitAsync(TestKit.Wait);

        // Each hears the other's tone, forwarded as Opus packets.
        await browser.SendToneAsync(880);
        Assert.InRange(await HearAsync(phone, 880, TestKit.Wait), 875, 885);
        await browser.AssertHearsAsync(440, TimeSpan.FromMilliseconds(500));

        // Mute: the agent's tone stops at the phone within 10 frames of media time after the last packet before the command.
        await WaitAsync(() => heard.Count(h => h.Agent) >= 25, () => "25 packets of the agent's tone at the phone; heard " + string.Join(" ", levels.TakeLast(20).Select(l => $"{l.Hz:F0}/{l.Rms:F0}")));
        var beforeMute = heard.Last().Ts;
        await node.Commands.SendAsync(new MuteAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 2, LegId = "leg-a", Muted = true }, CancellationToken.None);
        await WaitAsync(() => heard.Count(h => unchecked(h.Ts - beforeMute) is > 0 and < int.MaxValue) >= 50, "a second of packets after the mute");
        var afterMute = heard.Where(h => unchecked(h.Ts - beforeMute) is > 0 and < int.MaxValue).OrderBy(h => unchecked(h.Ts - beforeMute)).ToList();
        var lastAgentFrame = afterMute.Where(h => h.Agent).Select(h => (long)unchecked(h.Ts - beforeMute) / FrameTicks).DefaultIfEmpty(0).Max();
        Assert.True(lastAgentFrame <= 10, $"the agent's tone went on for {lastAgentFrame} frames of media time after the mute");
        Assert.True(afterMute.Skip(15).All(h => !h.Agent), "the agent's tone came back while muted");

        // The WhatsApp leg kept sending (silence) with its own continuous numbering: every next packet has the next
        // sequence number and a timestamp 20 ms on (or a whole number of frames on, after a pacer stall on a loaded machine).
        var window = afterMute;
        for (var i = 1; i < window.Count; i++)
        {
            Assert.Equal(1, (ushort)(window[i].Seq - window[i - 1].Seq));
            var step = unchecked(window[i].Ts - window[i - 1].Ts);
            Assert.True(step > 0 && step % FrameTicks == 0, $"timestamp step {step} between sequence numbers {window[i - 1].Seq} and {window[i].Seq}");
        }

        Assert.True(window.Count >= 45, "packets were missing while muted: the 20 s rule needs the leg to keep sending");

        await node.Commands.SendAsync(new MuteAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 3, LegId = "leg-a", Muted = false }, CancellationToken.None);
        Assert.InRange(await HearAsync(phone, 880, TestKit.Wait), 875, 885);

        // The agent's keypad reaches the phone as RFC 4733 (the WhatsApp leg's own payload type).
        await browser.SendDtmfAsync("5#");
        await WaitAsync(() => digits.Count >= 2, "the agent's two digits at the phone");
        Assert.Equal("5#", new string([.. digits]));

        // The agent leaves: the leg ends with its stats and the plan goes on (660 Hz at the phone).
        await node.Commands.SendAsync(new DisconnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 4, LegId = "leg-a" }, CancellationToken.None);
        var ended = await node.Events.WaitForAsync<AgentLegEnded>(callId);
        Assert.Equal(("leg-a", AgentLegEndReason.Disconnected), (ended.LegId, ended.Reason));
        Assert.True(ended.Stats is { PacketsReceived: > 50, PacketsSent: > 50, DurationSeconds: > 0 }, $"agent leg stats {ended.Stats}");
        Assert.InRange(await HearAsync(phone, 660, TestKit.Wait), 655, 665);

        // A late ConnectAgent finds nobody waiting.
        await node.Commands.SendAsync(new ConnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 5, LegId = "leg-b", OfferSdp = offer, Agent = "agent-b" }, CancellationToken.None);
        await node.Events.WaitUntilAsync(callId, e => e.OfType<AgentLegEnded>().Any(l => l.LegId == "leg-b"), "leg-b ended");
        Assert.Equal(AgentLegEndReason.NotWaiting, node.Events.ForCall(callId).OfType<AgentLegEnded>().Single(l => l.LegId == "leg-b").Reason);
        Assert.Null(node.Events.ForCall(callId).OfType<AgentLegEnded>().Single(l => l.LegId == "leg-b").Stats);
    }

    [Fact]
    public async Task Libwebrtc_phone_and_Chromium_agent_hear_each_other_through_the_bridge()
    {
        // Two independent stacks, one per leg: libwebrtc (@roamhq/wrtc) as the WhatsApp user, Chromium as the agent.
        await using var node = await NodeHarness.StartAsync();
        await using var phone = await WrtcPhone.StartAsync();
        var callId = TestKit.NewCallId();
        using var plan = JsonDocument.Parse("""{"steps":[{"connectAgent":{"queue":"support","timeoutSeconds":120}}]}""");
        await node.Commands.SendAsync(TestKit.Inbound(callId, await phone.CreateOfferAsync()) with { AudioPlan = plan.RootElement.Clone() }, CancellationToken.None);
        await phone.SetRemoteAnswerAsync((await node.Events.WaitForAsync<AnswerReady>(callId)).Sdp);
        await node.Events.WaitForAsync<AgentRequested>(callId);
        await phone.SendToneAsync(440);

        await using var browser = await WrtcPhone.StartAsync("chromium-phone.mjs");
        await node.Commands.SendAsync(new ConnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 1, LegId = "leg-a", OfferSdp = await browser.CreateOfferAsync(), Agent = "agent-a" }, CancellationToken.None);
        await browser.SetRemoteAnswerAsync((await node.Events.WaitForAsync<AgentAnswerReady>(callId)).Sdp);
        await node.Events.WaitForAsync<AgentConnected>(callId);
        await browser.SendToneAsync(880);

        await phone.AssertHearsAsync(880, TimeSpan.FromMilliseconds(500));
        await browser.AssertHearsAsync(440, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Hanging_up_the_call_ends_the_agent_leg_too()
    {
        await using var node = await NodeHarness.StartAsync();
        using var phoneFactory = await TestKit.PhoneFactoryAsync();
        using var phone = phoneFactory.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(phoneFactory.Codecs, 440) });
        var callId = TestKit.NewCallId();
        using var plan = JsonDocument.Parse("""{"steps":[{"connectAgent":{"queue":"q","timeoutSeconds":60,"record":"ogg"}}]}""");
        var phoneConnected = TestKit.StateAsync(phone, PeerConnectionState.Connected);
        await node.Commands.SendAsync(TestKit.Inbound(callId, phone.CreateOffer()) with { AudioPlan = plan.RootElement.Clone() }, CancellationToken.None);
        phone.SetRemoteAnswer((await node.Events.WaitForAsync<AnswerReady>(callId)).Sdp);
        await phoneConnected.WaitAsync(TestKit.Wait);
        await node.Events.WaitForAsync<AgentRequested>(callId);

        await using var browser = await WrtcPhone.StartAsync("chromium-phone.mjs");
        await node.Commands.SendAsync(new ConnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 1, LegId = "leg-1", OfferSdp = await browser.CreateOfferAsync(), Agent = "agent-a" }, CancellationToken.None);
        await browser.SetRemoteAnswerAsync((await node.Events.WaitForAsync<AgentAnswerReady>(callId)).Sdp);
        await node.Events.WaitForAsync<AgentConnected>(callId);
        await browser.AssertHearsAsync(440, TimeSpan.FromMilliseconds(500));

        await node.Commands.SendAsync(TestKit.HangupOf(callId, node.NodeId, 2), CancellationToken.None);
        var mediaEnded = await node.Events.WaitForAsync<MediaEnded>(callId);
        var legEnded = node.Events.ForCall(callId).OfType<AgentLegEnded>().Single();
        Assert.Equal(AgentLegEndReason.CallEnded, legEnded.Reason);
        var order = node.Events.ForCall(callId).Select(e => e.MessageType).ToList();
        Assert.True(order.IndexOf(nameof(AgentLegEnded)) < order.IndexOf(nameof(MediaEnded)), string.Join(", ", order));

        // The recording holds the caller's side of the conversation (documented: the agent's side is not mixed in).
        Assert.True(mediaEnded.Recording is { DurationSeconds: > 0.2 }, $"recording {mediaEnded.Recording}");
    }

    [Fact]
    public async Task Nobody_in_time_runs_on_no_agent_and_a_late_agent_is_told_nobody_waits()
    {
        await using var node = await NodeHarness.StartAsync();
        using var phoneFactory = await TestKit.PhoneFactoryAsync();
        using var phone = phoneFactory.CreatePeer();
        var callId = TestKit.NewCallId();
        using var plan = JsonDocument.Parse("""{"steps":[{"connectAgent":{"queue":"sales","timeoutSeconds":1,"holdPrompt":"beep","onNoAgent":[{"tone":{"hz":660,"ms":20000}}]}}]}""");
        var phoneConnected = TestKit.StateAsync(phone, PeerConnectionState.Connected);
        await node.Commands.SendAsync(TestKit.Inbound(callId, phone.CreateOffer()) with { AudioPlan = plan.RootElement.Clone() }, CancellationToken.None);
        phone.SetRemoteAnswer((await node.Events.WaitForAsync<AnswerReady>(callId)).Sdp);
        await phoneConnected.WaitAsync(TestKit.Wait);

        var ended = await node.Events.WaitForAsync<AgentRequestEnded>(callId);
        Assert.Equal(("sales", AgentRequestEndReason.Timeout), (ended.Queue, ended.Reason));
        Assert.InRange(await HearAsync(phone, 660, TestKit.Wait), 655, 665);

        await node.Commands.SendAsync(new ConnectAgent { CallId = callId, NodeId = node.NodeId, CreatedAt = DateTimeOffset.UtcNow, Sequence = 1, LegId = "late", OfferSdp = "v=0\r\n", Agent = "agent-a" }, CancellationToken.None);
        var late = await node.Events.WaitForAsync<AgentLegEnded>(callId);
        Assert.Equal(("late", AgentLegEndReason.NotWaiting), (late.LegId, late.Reason));
        Assert.Empty(node.Events.ForCall(callId).OfType<AgentAnswerReady>());
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }

        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    private static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(condition, () => what);

    private static async Task WaitAsync(Func<bool> condition, Func<string> what)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var deadline = DateTime.UtcNow + TestKit.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || !await poll.WaitForNextTickAsync())
            {
                Assert.Fail("Timed out waiting for " + what());
            }
        }
    }
}
