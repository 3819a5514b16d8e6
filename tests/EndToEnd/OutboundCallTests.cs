using System.Text.Json;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.WebRtc.Media;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>Business-initiated calls through the dial API, the simulator, the MediaNode and the WebRTC phone.</summary>
public sealed class OutboundCallTests
{
    [Theory]
    [InlineData(TransportKind.StorageQueues)]
    [InlineData(TransportKind.ServiceBus)]
    public async Task Outbound_happy_path_rings_connects_carries_audio_both_ways_and_ends_when_the_user_hangs_up(TransportKind transport)
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions { Transport = transport });
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(UserHz));

        var callId = await product.DialAcceptedAsync(User, PromptThenRecord());
        await product.Calls.WaitAsync(callId, c => c.Has("ringingAt"), Wait);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);

        // Business -> user: the phone measures the prompt's tone in what it decoded.
        var prompt = await phone.WaitForToneAsync(PromptHz, Wait);
        // The prompt is over once a whole second is silent at the phone; the record step has then run for a second.
        await phone.WaitForToneAsync(0, Wait, toleranceHz: 0, since: prompt.At);

        var wacid = await product.WacidAsync(callId);
        Assert.True(product.Simulator.HangUpAsUser(wacid));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.True(ended.GetProperty("durationSeconds").GetDouble() > 0, ended.ToString());
        var stats = ended.GetProperty("media");
        Assert.True(stats.GetProperty("packetsSent").GetInt64() > 50, stats.ToString());
        Assert.True(stats.GetProperty("packetsReceived").GetInt64() > 50, stats.ToString());
        await phone.Finished.WaitAsync(Wait);

        // User -> business: the recording the API links to holds the phone's tone.
        var recording = ended.GetProperty("recording");
        Assert.Equal("audio/wav", recording.GetProperty("contentType").GetString());
        using var download = new HttpClient();
        var wav = await download.GetByteArrayAsync(new Uri(recording.GetProperty("url").GetString()!));
        Assert.Equal(recording.GetProperty("sizeBytes").GetInt64(), wav.Length);
        var (rate, channels, samples) = WavFile.Read(wav);
        Assert.Equal((48_000, 1), (rate, channels));
        Assert.True(samples.Length >= rate / 2, $"only {samples.Length} samples recorded");
        Assert.InRange(ToneDetector.EstimateFrequency(samples, rate), UserHz - 10, UserHz + 10);
    }

    [Fact]
    public async Task Outbound_rejected_by_the_user_ends_rejected_and_releases_the_media()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Users.Set(User, SimulatedUserBehavior.RejectAfter(TimeSpan.FromMilliseconds(500)));

        var callId = await product.DialAcceptedAsync(User);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.Outcome() == "rejected", Wait);

        Assert.False(ended.Has("connectedAt"), ended.ToString());
        await product.MediaEndedAsync(callId);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        Assert.NotEqual(Serverless.WebRtc.Peer.PeerConnectionState.Connected, phone.State);
    }

    [Fact]
    public async Task Outbound_never_answered_fails_with_Metas_not_answered_error_after_the_ring_timeout()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureSimulator = s => s.RingTimeout = TimeSpan.FromSeconds(2),
        });
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Users.Set(User, SimulatedUserBehavior.NeverAnswer());

        var callId = await product.DialAcceptedAsync(User);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);

        // Meta's terminate FAILED with errors[] 131000; the product keeps Meta's error (not a NoAnswer outcome).
        Assert.True(ended.State() == "failed", ended.ToString());
        Assert.Equal("meta-131000", ended.GetProperty("lastError").GetProperty("code").GetString());
        Assert.False(ended.Has("connectedAt"), ended.ToString());
        await product.MediaEndedAsync(callId);
    }

    [Fact]
    public async Task Outbound_without_call_permission_fails_with_a_clear_error_and_nothing_rings()
    {
        await using var product = await LocalProduct.StartAsync();

        // The dial API asks Meta's call_permissions first: refused with how to ask, before anything is stored or rings.
        var (status, body) = await product.Calls.DialAsync(new { to = "+" + User });

        Assert.Equal(403, status);
        Assert.EndsWith("call-permission-missing", body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal("/api/permissions/" + User + "/request", body.GetProperty("requestPath").GetString());
        var (listStatus, list) = await product.Calls.ListAsync();
        Assert.Equal(200, listStatus);
        Assert.Empty(list.GetProperty("calls").EnumerateArray());
        Assert.Empty(product.Simulator.Calls);
        Assert.Empty(product.Phones.Phones);
    }

    [Fact]
    public async Task Outbound_business_hang_up_through_DELETE_terminates_at_Meta_and_ends_the_call()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Tone(UserHz));

        var callId = await product.DialAcceptedAsync(User, new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 60_000 } } } });
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);

        var (status, body) = await product.Calls.HangUpAsync(callId);
        Assert.True(status == 200, $"DELETE answered {status}: {body}");
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        await phone.Finished.WaitAsync(Wait);
        var simulated = product.Simulator.FindCall(ended.Wacid()!);
        Assert.NotNull(simulated);
        Assert.Equal("COMPLETED", simulated!.EndStatus);
    }

    [Fact]
    public async Task Outbound_DTMF_plan_collects_the_digits_the_user_presses()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Digits("1234#"));
        var plan = new
        {
            steps = new object[]
            {
                new { collect = new { max = 8, terminator = "#", timeoutMs = 30_000 } },
                new { hangup = new { } },
            },
        };

        var callId = await product.DialAcceptedAsync(User, plan);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.GetProperty("inputs").GetArrayLength() > 0, Wait);

        Assert.Equal("1234", ended.GetProperty("inputs")[0].GetProperty("digits").GetString());
        Assert.True(ended.State() == "ended", ended.ToString());
        Assert.Equal("completed", ended.Outcome());
    }
}
