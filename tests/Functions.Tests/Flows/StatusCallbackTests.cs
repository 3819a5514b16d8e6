using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Callbacks;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Functions.Tests.Flows;

/// <summary>Every state change of a dialled call reaches its callbackUrl as a signed event, once per event id.</summary>
public sealed class StatusCallbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task State_changes_are_delivered_signed_once_per_event_id_even_when_webhooks_are_redelivered()
    {
        await using var app = await CallingApp.StartAsync(afterRegistration: TrustReceiverCertificate);
        await using var receiver = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort());

        using var dial = await app.DialAsync(new { to = "+14155550123", callbackUrl = receiver.Url });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        var terminate = MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 42);
        await app.DeliverAsync(terminate);
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        await app.Host.RunQueueAsync("DrainCallbacks");

        // Meta redelivers the terminate and the drain runs again: nothing new reaches the receiver.
        await app.DeliverAsync(terminate);
        await app.Host.RunQueueAsync("DrainCallbacks");

        var received = receiver.Received;
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
        Assert.Equal(received.Count, received.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Count());
        // call.ended is sent once per call (id "<callId>-ended"), after every sequenced change.
        var events = received.Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())
            .OrderBy(e => e.GetProperty("eventId").GetString() == callId + "-ended"
                ? long.MaxValue
                : long.Parse(e.GetProperty("eventId").GetString()![(callId.Length + 1)..], CultureInfo.InvariantCulture))
            .ToList();
        Assert.All(events, e => Assert.Equal(callId, e.GetProperty("callId").GetString()));
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("call.preparing", types[0]);
        Assert.Contains("call.ringing", types);
        Assert.Contains("call.connected", types);
        Assert.Equal("call.ended", types[^1]);
        Assert.Single(types, t => t == "call.ended");
        var ended = events[^1];
        Assert.Equal("completed", ended.GetProperty("outcome").GetString());
        Assert.Equal(42, ended.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("ended", ended.GetProperty("state").GetString());
        // It waited for the node's final report: the media statistics are in it.
        Assert.Equal(MediaNodeDouble.FinalStats.PacketsSent, ended.GetProperty("media").GetProperty("packetsSent").GetInt64());
        Assert.Equal(MediaNodeDouble.FinalStats.PacketsLost, ended.GetProperty("media").GetProperty("packetsLost").GetInt64());
        // How the media was connected (the node's ICE pair and DTLS handshake) rides along, as in GET /calls/{id}.
        var transport = ended.GetProperty("media").GetProperty("transport");
        Assert.Equal(("host", "srflx"), (transport.GetProperty("localCandidateType").GetString(), transport.GetProperty("remoteCandidateType").GetString()));
        Assert.Equal(("DTLS 1.2", 35.5, 61.25), (transport.GetProperty("dtlsVersion").GetString(), transport.GetProperty("iceMs").GetDouble(), transport.GetProperty("dtlsMs").GetDouble()));
        Assert.Equal(MediaNodeDouble.FinalStats.Transport!.DtlsCipherSuite, transport.GetProperty("dtlsCipherSuite").GetString());
        Assert.Equal(transport.ToString(), (await app.GetCallAsync(callId)).GetProperty("media").GetProperty("transport").ToString());

        // Event ids are the call's history sequence numbers of the changes they announce.
        var history = (await app.GetCallAsync(callId)).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("sequence").GetInt64()).ToHashSet();
        Assert.All(events[..^1], e => Assert.Contains(
            long.Parse(e.GetProperty("eventId").GetString()![(callId.Length + 1)..], CultureInfo.InvariantCulture), history));
    }

    [Fact]
    public async Task A_call_dialled_without_callbackUrl_sends_nothing_when_no_default_is_configured()
    {
        await using var app = await CallingApp.StartAsync(afterRegistration: TrustReceiverCertificate);
        await using var receiver = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort());

        using var dial = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        await app.Host.RunQueueAsync("DrainCallbacks");

        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task In_Development_a_plain_http_loopback_receiver_gets_signed_callbacks()
    {
        // CallingApp runs with AZURE_FUNCTIONS_ENVIRONMENT=Development and Callbacks:AllowLoopback, as the local run does.
        await using var app = await CallingApp.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort(), https: false);
        Assert.StartsWith("http://127.0.0.1:", receiver.Url, StringComparison.Ordinal);

        using var dial = await app.DialAsync(new { to = "+14155550123", callbackUrl = receiver.Url });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Host.RunQueueAsync("DrainCallbacks");

        var created = await receiver.FirstReceived.WaitAsync(Timeout);
        Assert.Equal(SignatureCheck.Valid, created.Verdict);
        Assert.Equal(callId, JsonDocument.Parse(created.Body).RootElement.GetProperty("callId").GetString());
    }

    [Fact]
    public async Task Metadata_callbackUrl_is_opaque_data_and_never_receives_events()
    {
        await using var app = await CallingApp.StartAsync(afterRegistration: TrustReceiverCertificate);
        await using var receiver = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort());
        await using var attacker = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort());

        // One dial names only a metadata "callbackUrl", the other names both: neither may steer events to metadata's URL.
        using var onlyMetadata = await app.DialAsync(new { to = "+14155550123", metadata = new Dictionary<string, string> { ["callbackUrl"] = attacker.Url } });
        using var both = await app.DialAsync(new { to = "+14155550124", callbackUrl = receiver.Url, metadata = new Dictionary<string, string> { ["callbackUrl"] = attacker.Url } });
        Assert.Equal(HttpStatusCode.Accepted, onlyMetadata.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, both.StatusCode);
        var bothId = (await CallingApp.ReadJsonAsync(both)).GetProperty("id").GetString()!;
        await app.Host.RunQueueAsync("DrainCallbacks");

        // The node double may already have offered (call.ringing) before the drain: every event is the named call's.
        await receiver.FirstReceived.WaitAsync(Timeout);
        Assert.Empty(attacker.Received);
        Assert.All(receiver.Received, r => Assert.Equal(bothId, JsonDocument.Parse(r.Body).RootElement.GetProperty("callId").GetString()));
        Assert.Contains("call.preparing", receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()));
        // The caller's metadata is kept as sent.
        Assert.Equal(attacker.Url, (await app.GetCallAsync(bothId)).GetProperty("metadata").GetProperty("callbackUrl").GetString());
    }

    /// <summary>Same guarded handler as production; only the certificate check knows the self-signed receiver.</summary>
    private static void TrustReceiverCertificate(IServiceCollection services) =>
        services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => CallbackReceiver.IsOurCertificate(certificate);
            return handler;
        });
}
