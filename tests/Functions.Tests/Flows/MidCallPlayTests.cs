using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Callbacks;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Functions.Tests.Flows;

/// <summary>POST /api/calls/{id}/play: a Play command in the call's sequence, its end recorded and announced, the call going on.</summary>
public sealed class MidCallPlayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_play_into_a_connected_call_is_sent_in_sequence_recorded_and_announced_and_the_call_goes_on()
    {
        await using var app = await CallingApp.StartAsync(afterRegistration: TrustReceiverCertificate);
        await using var receiver = await CallbackReceiver.StartAsync(CallingApp.CallbackSecret, app.Time.GetUtcNow, CallbackReceiver.FreePort());
        var callId = await ConnectedOutboundCallAsync(app, receiver.Url);

        using var response = await PlayAsync(app, callId, new { tone = new { hz = 1000, ms = 1500 }, thenCollect = new { maxDigits = 4, terminator = "#", timeoutSeconds = 5, name = "pin" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/calls/" + callId, response.Headers.Location?.OriginalString);
        var accepted = await CallingApp.ReadJsonAsync(response);
        var playId = accepted.GetProperty("playId").GetString()!;
        Assert.Matches("^play-[0-9a-f]{12}$", playId);
        await app.Node.Acked<PlaybackFinished>(callId).WaitAsync(Timeout);

        var play = Assert.IsType<Play>(Assert.Single(app.Node.CommandsFor(callId), c => c is Play));
        Assert.Equal(callId + ":" + playId, play.MessageId);
        Assert.Equal(2, play.Sequence); // after the start (0) and the answer (1)
        Assert.Equal(new PlayRequest
        {
            Kind = PlayKind.Tone, FrequencyHz = 1000, Duration = TimeSpan.FromMilliseconds(1500),
            Collect = new PlayCollect { MaxDigits = 4, Terminator = '#', Timeout = TimeSpan.FromSeconds(5), Name = "pin" },
        }, play.Request);

        var call = await app.GetCallAsync(callId);
        Assert.Equal("connected", call.GetProperty("state").GetString());
        var triggers = call.GetProperty("events").EnumerateArray().Select(e => (Trigger: e.GetProperty("trigger").GetString(), Detail: e.GetProperty("detail").GetString())).ToList();
        Assert.Contains(triggers, t => t.Trigger == "playRequested" && t.Detail!.Contains(playId, StringComparison.Ordinal) && t.Detail.Contains("tone 1000 Hz", StringComparison.Ordinal));
        Assert.Contains(triggers, t => t.Trigger == "playFinished" && t.Detail!.Contains(playId, StringComparison.Ordinal));

        // The Hangup comes after the play in the call's sequence (the node's gate would hold it back otherwise).
        using var hangup = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, hangup.StatusCode);
        await app.Node.Acked<MediaEnded>(callId).WaitAsync(Timeout);
        Assert.Equal(3, Assert.Single(app.Node.CommandsFor(callId), c => c is Hangup).Sequence);

        await app.Host.RunQueueAsync("DrainCallbacks");
        var events = receiver.Received.Select(r => (r.Verdict, Body: JsonDocument.Parse(r.Body).RootElement.Clone())).ToList();
        var finished = Assert.Single(events, e => e.Body.GetProperty("type").GetString() == CallbackEventTypes.PlaybackFinished);
        Assert.Equal(SignatureCheck.Valid, finished.Verdict);
        Assert.Equal(playId, finished.Body.GetProperty("playId").GetString());
        Assert.Equal("connected", finished.Body.GetProperty("state").GetString());
        var ended = Assert.Single(events, e => e.Body.GetProperty("type").GetString() == "call.ended");
        Assert.Equal("completed", ended.Body.GetProperty("outcome").GetString());
        Assert.Equal("businessHangup", (await app.GetCallAsync(callId)).GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task A_prompt_play_outside_the_prompts_container_is_400_and_nothing_is_sent()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await ConnectedOutboundCallAsync(app, callbackUrl: null);

        // Another account, a query (a SAS), and another call's recording: none is a prompt.
        foreach (var prompt in new[]
        {
            "https://account.blob.core.windows.net/prompts/hello.wav",
            CallingApp.PromptsContainer + "/hello.wav?sig=SECRET",
            "http://127.0.0.1:10000/devstoreaccount1/recordings/" + callId + ".ogg",
        })
        {
            using var response = await PlayAsync(app, callId, new { prompt });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("prompt", out _), problem.ToString());
        }

        Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is Play);
        Assert.DoesNotContain("SECRET", (await app.GetCallAsync(callId)).GetProperty("events").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_play_from_the_prompts_container_is_sent_and_named_in_the_history()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await ConnectedOutboundCallAsync(app, callbackUrl: null);

        using var response = await PlayAsync(app, callId, new { prompt = CallingApp.PromptsContainer + "/hello.wav" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.Node.Acked<PlaybackFinished>(callId).WaitAsync(Timeout);

        var play = Assert.IsType<Play>(Assert.Single(app.Node.CommandsFor(callId), c => c is Play));
        Assert.Equal(new Uri(CallingApp.PromptsContainer + "/hello.wav"), play.Request.Uri);
        Assert.Contains("prompts/hello.wav", (await app.GetCallAsync(callId)).GetProperty("events").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plans_end_without_a_play_id_still_completes_the_call()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await ConnectedOutboundCallAsync(app, callbackUrl: null);

        await app.Node.PostAsync(new PlaybackFinished { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow() });

        var call = await app.GetCallAsync(callId);
        Assert.Equal("ended", call.GetProperty("state").GetString());
        Assert.Equal("completed", call.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("{", "invalid-json")]
    [InlineData("[]", "invalid-json")]
    [InlineData("{}", "validation-failed")]
    [InlineData("""{"prompt":"beep","tone":{"hz":440,"ms":100}}""", "validation-failed")]
    [InlineData("""{"tone":{"hz":10,"ms":100}}""", "validation-failed")]
    [InlineData("""{"tone":{"hz":440}}""", "validation-failed")]
    [InlineData("""{"tone":{"hz":440,"ms":100,"db":3}}""", "validation-failed")]
    [InlineData("""{"prompt":"ftp://example.com/a.wav"}""", "validation-failed")]
    [InlineData("""{"prompt":"beep","volume":2}""", "validation-failed")]
    [InlineData("""{"prompt":"beep","thenCollect":{"maxDigits":0,"timeoutSeconds":5}}""", "validation-failed")]
    [InlineData("""{"prompt":"beep","thenCollect":{"maxDigits":4}}""", "validation-failed")]
    [InlineData("""{"prompt":"beep","thenCollect":{"maxDigits":4,"timeoutSeconds":5,"terminator":"x"}}""", "validation-failed")]
    [InlineData("""{"prompt":"beep","bargeIn":"yes"}""", "validation-failed")]
    public async Task A_bad_body_is_a_400_problem_and_nothing_is_sent_or_recorded(string body, string problem)
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await ConnectedOutboundCallAsync(app, callbackUrl: null);
        var before = (await app.GetCallAsync(callId)).GetProperty("events").GetArrayLength();

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await app.Client.PostAsync(new Uri($"api/calls/{callId}/play", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(problem, (await CallingApp.ReadJsonAsync(response)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is Play);
        Assert.Equal(before, (await app.GetCallAsync(callId)).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_call_is_404_and_a_call_that_is_not_connected_is_409()
    {
        await using var app = await CallingApp.StartAsync();
        using var unknown = await PlayAsync(app, "call_" + new string('0', 26), new { prompt = "beep" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var malformed = await PlayAsync(app, "not-a-call", new { prompt = "beep" });
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);

        using var dial = await app.DialAsync(new { to = "+" + CallingApp.User });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout); // ringing, not connected

        using var ringing = await PlayAsync(app, callId, new { prompt = "beep" });
        Assert.Equal(HttpStatusCode.Conflict, ringing.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(ringing);
        Assert.EndsWith("call-not-connected", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Contains("ringing", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var hangup = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        using var ended = await PlayAsync(app, callId, new { prompt = "beep" });
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is Play);
    }

    private static async Task<string> ConnectedOutboundCallAsync(CallingApp app, string? callbackUrl)
    {
        using var dial = await app.DialAsync(callbackUrl is null ? new { to = "+" + CallingApp.User } : new { to = "+" + CallingApp.User, callbackUrl });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(Timeout);
        return callId;
    }

    private static Task<HttpResponseMessage> PlayAsync(CallingApp app, string callId, object body) =>
        app.Client.PostAsJsonAsync(new Uri($"api/calls/{callId}/play", UriKind.Relative), body);

    /// <summary>Same guarded handler as production; only the certificate check knows the self-signed receiver.</summary>
    private static void TrustReceiverCertificate(IServiceCollection services) =>
        services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => CallbackReceiver.IsOurCertificate(certificate);
            return handler;
        });
}
