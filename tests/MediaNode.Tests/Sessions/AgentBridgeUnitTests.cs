using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtp;

namespace Serverless.MediaNode.Tests.Sessions;

/// <summary>
/// The bridge's numbering and its wait for an agent, without a network: what a leg sends is numbered by that leg's own
/// sender (never the other leg's sequence numbers or timestamps), continuously across setup, mute and jumps.
/// </summary>
public sealed class AgentBridgeUnitTests
{
    private static readonly byte[] Silence = [0xF8, 0xFF, 0xFE];

    [Fact]
    public void The_caller_side_numbering_is_continuous_across_setup_mute_and_the_agents_own_jumps()
    {
        var leg = new AgentLeg("leg", "agent", new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5))));
        var sent = new List<(ushort Seq, uint Ts, byte First)>();
        var stream = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = 0x1234, InitialSequenceNumber = 65_530, InitialTimestamp = uint.MaxValue - 2_000 },
            leg.FromAgent,
            Silence,
            packet =>
            {
                Assert.True(RtpPacket.TryParse(packet, out var rtp));
                sent.Add((rtp.Header.SequenceNumber, rtp.Header.Timestamp, rtp.Payload[0]));
            });

        stream.OnTick(); // setup: nothing from the agent yet → silence
        leg.OfferAgentPacket([0x01, 0xAA]);
        stream.OnTick();
        leg.Muted = true;
        leg.OfferAgentPacket([0x02, 0xAA]); // dropped while muted
        stream.OnTick();
        stream.OnTick();
        leg.Muted = false;
        leg.OfferAgentPacket([0x03, 0xAA]);
        leg.OfferAgentPacket([0x04, 0xAA]);
        stream.OnTick();
        stream.OnTick();
        stream.OnTick(); // the agent's packets ran out (loss, or its sequence numbers jumped): silence, same numbering

        Assert.Equal([Silence[0], 0x01, Silence[0], Silence[0], 0x03, 0x04, Silence[0]], sent.Select(s => s.First));
        for (var i = 1; i < sent.Count; i++)
        {
            Assert.Equal(1, (ushort)(sent[i].Seq - sent[i - 1].Seq));
            Assert.Equal((uint)OpusCodec.FrameSamples, unchecked(sent[i].Ts - sent[i - 1].Ts));
        }

        Assert.Equal(1, leg.AgentPacketsDropped);
    }

    [Fact]
    public void A_leg_queues_at_most_100_ms_each_way_dropping_the_oldest()
    {
        var leg = new AgentLeg("leg", "agent", new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5))));
        for (byte i = 1; i <= 8; i++)
        {
            leg.OfferAgentPacket([i]);
            leg.OfferCallerPacket([i]);
        }

        var frame = new byte[OpusCodec.MaxPacketBytes];
        var fromAgent = new List<byte>();
        while (leg.FromAgent.TryReadFrame(frame, out var n))
        {
            fromAgent.Add(frame[0]);
            Assert.Equal(1, n);
        }

        var toAgent = new List<byte>();
        while (leg.ToAgent.TryReadFrame(frame, out _))
        {
            toAgent.Add(frame[0]);
        }

        Assert.Equal([4, 5, 6, 7, 8], fromAgent);
        Assert.Equal([4, 5, 6, 7, 8], toAgent);
        Assert.Equal(3, leg.AgentPacketsDropped);
    }

    [Fact]
    public void A_standing_backlog_is_trimmed_by_one_frame_per_half_second_and_a_short_one_is_kept()
    {
        var leg = new AgentLeg("leg", "agent", new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5))));
        var frame = new byte[OpusCodec.MaxPacketBytes];
        byte next = 0;
        for (var i = 0; i < 4; i++)
        {
            leg.OfferAgentPacket([++next]); // a burst: 4 queued = 80 ms of delay
        }

        var depths = new List<int>();
        for (var tick = 0; tick < 200; tick++)
        {
            leg.OfferAgentPacket([++next]); // one in, one out per tick: the backlog would stay forever
            Assert.True(leg.FromAgent.TryReadFrame(frame, out _));
            depths.Add(Queued(leg));
        }

        Assert.Equal(4, depths[0]);
        Assert.Equal(StandingDepth(), depths[^1]);
        Assert.Equal(4 - StandingDepth(), leg.AgentPacketsDropped);

        // One packet of jitter (depth 1 after reads) is never trimmed.
        var calm = new AgentLeg("leg", "agent", new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5))));
        calm.OfferAgentPacket([1]);
        for (var tick = 0; tick < 200; tick++)
        {
            calm.OfferAgentPacket([2]);
            Assert.True(calm.FromAgent.TryReadFrame(frame, out _));
        }

        Assert.Equal(0, calm.AgentPacketsDropped);

        static int StandingDepth() => AgentLeg.PacketQueue.StandingFrames - 1;
    }

    private static int Queued(AgentLeg leg) => ((AgentLeg.PacketQueue)leg.FromAgent).Count;

    [Fact]
    public async Task One_agent_claims_the_wait_a_failed_claim_reopens_it_and_the_timeout_waits_for_a_claimed_leg()
    {
        var wait = new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5)));
        var first = new AgentLeg("a", "agent-a", wait);
        Assert.True(wait.TryClaim());
        Assert.False(wait.TryClaim()); // a second agent while the first sets up: not waiting
        wait.Release(); // the first leg failed before media: the caller waits on
        Assert.True(wait.TryClaim());
        wait.Expire(); // time is up while a leg sets up: it may still connect
        Assert.False(wait.Outcome.IsCompleted);
        Assert.True(wait.Connect(first));
        Assert.Same(first, await wait.Outcome);
        Assert.False(wait.TryClaim());

        var lonely = new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5)));
        lonely.Expire();
        Assert.Null(await lonely.Outcome);
        Assert.False(lonely.TryClaim());

        var expiredWhileClaimed = new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5)));
        Assert.True(expiredWhileClaimed.TryClaim());
        expiredWhileClaimed.Expire();
        expiredWhileClaimed.Release(); // its leg failed after the timeout: onNoAgent runs now
        Assert.Null(await expiredWhileClaimed.Outcome);

        var closed = new AgentWait(new ConnectAgentStep("q", TimeSpan.FromSeconds(5)));
        Assert.True(closed.TryClaim());
        closed.Close(); // the call ended while the leg set up
        Assert.False(closed.Connect(first));
    }
}
