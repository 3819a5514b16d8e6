using Serverless.Shared.Media;
using Serverless.WebRtc.Peer;
using static Serverless.MediaNode.Host.Tests.TestKit;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>Commands in through the transport, a loopback ICE-lite phone, signed events out to a real HTTP receiver.</summary>
public sealed class CallFlowTests
{
    [Fact]
    public async Task Outbound_PhoneAnswersTheOffer_MediaConnected_HangupReportsMediaEndedWithStats()
    {
        await using var node = await NodeHarness.StartAsync();
        using var meta = await PhoneFactoryAsync();
        var callId = NewCallId();

        await node.Commands.SendAsync(Outbound(callId));
        var offer = await node.Events.WaitForAsync<OfferReady>(callId);
        Assert.Equal(node.NodeId, offer.NodeId);
        Assert.Contains("a=candidate", offer.Sdp, StringComparison.Ordinal);

        using var phone = meta.CreatePeer();
        var phoneConnected = StateAsync(phone, PeerConnectionState.Connected);
        var answer = phone.AcceptOffer(offer.Sdp);
        var heard = new PacketCounter(phone, 25);
        await node.Commands.SendAsync(Answer(callId, node.NodeId, answer, sequence: 1));
        await node.Events.WaitForAsync<MediaConnected>(callId);
        await phoneConnected.WaitAsync(Wait);
        await heard.Reached.WaitAsync(Wait); // the node sends (silence) once connected

        await node.Commands.SendAsync(HangupOf(callId, node.NodeId, sequence: 2));
        var ended = await node.Events.WaitForAsync<MediaEnded>(callId);

        Assert.Equal(["OfferReady", "MediaConnected", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
        var stats = ended.Stats;
        Assert.True(stats.PacketsSent >= heard.Count, $"sent {stats.PacketsSent}, phone heard {heard.Count}");
        Assert.True(stats.PacketsReceived > 0, "the phone sends silence once connected");
        Assert.True(stats.BytesSent > 0 && stats.BytesReceived > 0);
        Assert.True(stats.DurationSeconds > 0);
        Assert.InRange(stats.PacketsLost, 0, stats.PacketsReceived / 20);
        Assert.NotNull(stats.Mos);
        Assert.InRange(stats.Mos!.Value, 4.0, 4.5); // loopback: no loss, tiny delay
        Assert.Null(ended.Recording);
        Assert.Equal(0, node.Sessions.ActiveCount);
        Assert.Equal(0, node.Events.InvalidDeliveries);
    }

    [Fact]
    public async Task Inbound_PhoneOffers_AnswerReady_MediaConnected_HangupReportsMediaEnded()
    {
        await using var node = await NodeHarness.StartAsync();
        using var meta = await PhoneFactoryAsync();
        using var phone = meta.CreatePeer();
        var callId = NewCallId();

        await node.Commands.SendAsync(Inbound(callId, phone.CreateOffer()));
        var answer = await node.Events.WaitForAsync<AnswerReady>(callId);
        var phoneConnected = StateAsync(phone, PeerConnectionState.Connected);
        phone.SetRemoteAnswer(answer.Sdp);
        var heard = new PacketCounter(phone, 10);
        await node.Events.WaitForAsync<MediaConnected>(callId);
        await phoneConnected.WaitAsync(Wait);
        await heard.Reached.WaitAsync(Wait);

        await node.Commands.SendAsync(HangupOf(callId, node.NodeId, sequence: 1));
        var ended = await node.Events.WaitForAsync<MediaEnded>(callId);

        Assert.Equal(["AnswerReady", "MediaConnected", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.True(ended.Stats.PacketsSent >= heard.Count);
        Assert.Equal(0, node.Events.InvalidDeliveries);
    }

    [Fact]
    public async Task Dtmf_DigitsPressedOnThePhone_ArriveAsDtmfReceivedEvents()
    {
        await using var node = await NodeHarness.StartAsync();
        using var meta = await PhoneFactoryAsync();
        var callId = NewCallId();
        await node.Commands.SendAsync(Outbound(callId));
        var offer = await node.Events.WaitForAsync<OfferReady>(callId);
        using var phone = meta.CreatePeer();
        var phoneConnected = StateAsync(phone, PeerConnectionState.Connected);
        await node.Commands.SendAsync(Answer(callId, node.NodeId, phone.AcceptOffer(offer.Sdp)));
        await node.Events.WaitForAsync<MediaConnected>(callId);
        await phoneConnected.WaitAsync(Wait);

        await phone.SendDtmf("12#").WaitAsync(Wait);
        await node.Events.WaitUntilAsync(callId, events => events.OfType<DtmfReceived>().Count() >= 3, "three digits");

        Assert.Equal("12#", string.Concat(node.Events.ForCall(callId).OfType<DtmfReceived>().Select(d => d.Digits)));
    }

    [Theory]
    [InlineData("not sdp at all")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")]
    public async Task Inbound_AnOfferThatCannotBeUsed_FailsWithSdpRejected(string offer)
    {
        await using var node = await NodeHarness.StartAsync();
        var callId = NewCallId();

        await node.Commands.SendAsync(Inbound(callId, offer));
        var failed = await node.Events.WaitForAsync<MediaFailed>(callId);

        Assert.Equal(MediaFailureReason.SdpRejected, failed.Reason);
        Assert.Equal(["MediaFailed"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.Equal(0, node.Sessions.ActiveCount);
    }

    [Fact]
    public async Task Outbound_AnAnswerThatCannotBeUsed_FailsWithSdpRejected()
    {
        await using var node = await NodeHarness.StartAsync();
        var callId = NewCallId();
        await node.Commands.SendAsync(Outbound(callId));
        await node.Events.WaitForAsync<OfferReady>(callId);

        await node.Commands.SendAsync(Answer(callId, node.NodeId, "garbage"));
        var failed = await node.Events.WaitForAsync<MediaFailed>(callId);

        Assert.Equal(MediaFailureReason.SdpRejected, failed.Reason);
        Assert.Equal(["OfferReady", "MediaFailed"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.Equal(0, node.Sessions.ActiveCount);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/recordings/call_01ARZ3NDEKTSV4RRFFQ69G5FAV.ogg")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/prompts/../recordings/call_01ARZ3NDEKTSV4RRFFQ69G5FAV.ogg")]
    [InlineData("https://attacker.example/x.wav")]
    public async Task Outbound_APlanThatPlaysAnotherCallsRecording_IsRefusedByTheNode(string prompt)
    {
        // Whatever reached the queue (the API refuses this plan too), the node checks the prompt source itself.
        await using var node = await NodeHarness.StartAsync();
        var callId = NewCallId();
        using var plan = System.Text.Json.JsonDocument.Parse($$"""{"steps":[{"prompt":"{{prompt}}"}]}""");

        await node.Commands.SendAsync(Outbound(callId) with { AudioPlan = plan.RootElement.Clone() });
        var failed = await node.Events.WaitForAsync<MediaFailed>(callId);

        Assert.Contains("steps[0].prompt", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("not an allowed prompt source", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(["MediaFailed"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.Equal(0, node.Sessions.ActiveCount);
    }
}
