using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.WebRtc.Peer;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>User-initiated calls: the simulator's phone offers, the product pre-accepts and accepts.</summary>
public sealed class InboundCallTests
{
    [Theory]
    [InlineData(TransportKind.StorageQueues)]
    [InlineData(TransportKind.ServiceBus)]
    public async Task Inbound_call_is_pre_accepted_and_accepted_with_identical_SDP_carries_audio_and_ends_on_business_hang_up(TransportKind transport)
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions { Transport = transport });
        product.Phones.SetScript(User, PhoneScript.Tone(UserHz));

        var simulated = await product.Simulator.StartInboundCallAsync(User);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
        var connected = await product.Calls.WaitForStateAsync(call.Id(), "connected", Wait);

        Assert.Equal("inbound", connected.GetProperty("direction").GetString());
        Assert.NotNull(simulated.PreAcceptSdp);
        Assert.Equal(simulated.PreAcceptSdp, simulated.AnswerSdp);
        Assert.Equal(SimulatedCallPhase.Connected, simulated.Phase);
        // Media both ways: the node's packets reach the phone (silence: no plan), the phone's tone reaches the node.
        await phone.WaitForToneAsync(0, Wait, toleranceHz: 0);
        Assert.True(phone.GetStats().Media.PacketsReceived > 0);

        var (status, body) = await product.Calls.HangUpAsync(call.Id());
        Assert.True(status == 200, $"DELETE answered {status}: {body}");
        var ended = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal() && c.HasMediaStats(), Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.True(ended.GetProperty("media").GetProperty("packetsReceived").GetInt64() > 0, ended.ToString());
        await phone.Finished.WaitAsync(Wait);
        Assert.Equal("COMPLETED", simulated.EndStatus);
    }

    // The only node is at MaxCalls: the Functions read its heartbeat (written at once when it filled up) and reject the
    // call at once; had the row been stale, the start would fail `capacity` at the placement window (Calls:PlacementWindow).
    [Fact]
    public async Task Inbound_call_at_MediaNode_capacity_is_rejected()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions { MediaNodeMaxCalls = 1 });
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Users.Set(User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromMilliseconds(200)));
        var busy = await product.DialAcceptedAsync(User);
        await product.Calls.WaitForStateAsync(busy, "connected", Wait);

        var simulated = await product.Simulator.StartInboundCallAsync(OtherUser);
        var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
        var rejected = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal(), Wait);

        Assert.Equal("failed", rejected.State());
        Assert.Equal("capacity", rejected.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Contains("capacity", rejected.GetProperty("lastError").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(simulated.ConnectedAt);
        Assert.Equal(SimulatedCallPhase.Ended, simulated.Phase);
        Assert.Contains("reject", product.GraphCallActions());
        Assert.DoesNotContain("accept", product.GraphCallActions());
        var phone = await product.Phones.WaitForPhoneAsync(OtherUser, Wait);
        Assert.NotEqual(PeerConnectionState.Connected, phone.State);
        // The busy call is untouched.
        Assert.Equal("connected", (await product.Calls.GetAsync(busy)).State());
    }
}
