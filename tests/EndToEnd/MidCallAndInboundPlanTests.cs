using CallbackReceiver = Serverless.Functions.Tests.Callbacks.CallbackReceiver;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Tests.Callbacks;
using Serverless.Shared.Security;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.WebRtc.Media;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>Mid-call control (POST /api/calls/{id}/play) and the inbound plan setting, with real media at the phone.</summary>
public sealed class MidCallAndInboundPlanTests
{
    private const double PlayHz = 1000;
    private const string CallbackSecret = "e2e-callback-signing-secret-0123456789abcdef";

    [Fact]
    public async Task A_tone_played_into_a_connected_call_is_heard_by_the_phone_announced_by_callback_and_the_call_goes_on()
    {
        await using var receiver = await CallbackReceiver.StartAsync(CallbackSecret, () => DateTimeOffset.UtcNow, CallbackReceiver.FreePort());
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s["Callbacks:SigningSecret"] = CallbackSecret;
                s["Callbacks:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
            },
            ConfigureFunctionsServices = TrustReceiverCertificate,
        });
        product.Simulator.Permissions.Grant(User);
        product.Phones.SetScript(User, PhoneScript.Silent);

        // A plan that keeps the call up: a long pause (silence at the phone).
        var (dialStatus, dial) = await product.Calls.DialAsync(new
        {
            to = "+" + User,
            callbackUrl = receiver.Url,
            audio = new { steps = new object[] { new { pause = new { ms = 600_000 } } } },
        });
        Assert.True(dialStatus == 202, $"dial answered {dialStatus}: {dial}");
        var callId = dial.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        var quiet = await phone.WaitForToneAsync(0, Wait, toleranceHz: 0);

        using var response = await product.Calls.Http.PostAsJsonAsync(
            new Uri($"api/calls/{callId}/play", UriKind.Relative), new { tone = new { hz = (int)PlayHz, ms = 1500 } });
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True((int)response.StatusCode == 202, $"play answered {(int)response.StatusCode}: {accepted}");
        var playId = accepted.GetProperty("playId").GetString()!;

        // The phone measures the played tone, then silence again: the plan's pause resumed.
        var heard = await phone.WaitForToneAsync(PlayHz, Wait, since: quiet.At);
        Assert.InRange(heard.FrequencyHz, PlayHz - 10, PlayHz + 10);
        await phone.WaitForToneAsync(0, Wait, toleranceHz: 0, since: heard.At);

        // The play's end is in the history; the call is still up.
        var afterPlay = await product.Calls.WaitAsync(callId, c => Triggers(c).Contains("playFinished"), Wait);
        Assert.Equal("connected", afterPlay.State());
        Assert.Contains("playRequested", Triggers(afterPlay));

        await product.Functions.RunQueueAsync("DrainCallbacks");
        var finished = Assert.Single(receiver.Received, r => Type(r) == CallbackEventTypes.PlaybackFinished);
        Assert.Equal(SignatureCheck.Valid, finished.Verdict);
        using (var body = JsonDocument.Parse(finished.Body))
        {
            Assert.Equal(playId, body.RootElement.GetProperty("playId").GetString());
            Assert.Equal(callId, body.RootElement.GetProperty("callId").GetString());
        }

        var (status, _) = await product.Calls.HangUpAsync(callId);
        Assert.Equal(200, status);
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.Equal("businessHangup", ended.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task An_inbound_call_is_answered_with_the_numbers_inbound_plan_and_its_digits_and_recording_reach_the_business()
    {
        var plan = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { tone = new { hz = (int)PromptHz, ms = 1500 } },
                new { name = "pin", collect = new { max = 4, terminator = "#", timeoutMs = 10_000 } },
                new { record = new { maxSeconds = 3, format = "wav" } },
            },
        });
        // An inbound call has no dial to name a callback URL: its callbacks go to the default one.
        await using var receiver = await SignedCallbackReceiver.StartAsync();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s[$"CallingSettings:Numbers:{s["Meta:DefaultPhoneNumberId"]}:InboundPlan"] = plan;
                s["Callbacks:SigningSecret"] = SignedCallbackReceiver.Secret;
                s["Callbacks:DefaultCallbackUrl"] = receiver.Url;
                s["Callbacks:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
            },
            ConfigureFunctionsServices = SignedCallbackReceiver.Trust,
        });
        product.Phones.SetScript(User, PhoneScript.Tone(UserHz));

        var simulated = await product.Simulator.StartInboundCallAsync(User);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.Connected.WaitAsync(Wait);
        var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);

        // The plan answers: its prompt tone reaches the phone; the phone's keys end the collect step.
        var prompt = await phone.WaitForToneAsync(PromptHz, Wait);
        Assert.InRange(prompt.FrequencyHz, PromptHz - 10, PromptHz + 10);
        phone.PressDigits("123#");

        // The plan ran to its end (record 3 s), which ends the call Completed by our side: its end, not a hang-up.
        var ended = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal() && c.HasMediaStats(), Wait);
        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.Equal("completed", ended.GetProperty("endReason").GetString());
        Assert.Contains("playbackFinished", Triggers(ended));
        AssertPin(Assert.Single(ended.GetProperty("inputs").EnumerateArray()));
        await phone.Finished.WaitAsync(Wait);

        // The recording link downloads from Azurite and holds what the phone sent after its keys: 660 Hz.
        var wav = await DownloadAsync(ended.GetProperty("recording").GetProperty("url").GetString()!);
        var (rate, _, samples) = WavFile.Read(wav);
        Assert.InRange(ToneDetector.EstimateFrequency(samples, rate), UserHz - 5, UserHz + 5);

        // The default callback URL gets call.input and call.ended with the same results, correctly signed.
        await product.MediaEndedAsync(call.Id());
        await product.Functions.RunQueueAsync("DrainCallbacks");
        Assert.NotEmpty(receiver.Received);
        Assert.All(receiver.Received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
        AssertPin(Assert.Single(receiver.Of(call.Id(), "call.input")).Body.GetProperty("input"));
        var endedEvent = Assert.Single(receiver.Of(call.Id(), "call.ended")).Body;
        Assert.Equal(("ended", "completed"), (endedEvent.GetProperty("state").GetString(), endedEvent.GetProperty("outcome").GetString()));
        AssertPin(Assert.Single(endedEvent.GetProperty("inputs").EnumerateArray()));
        Assert.Equal(wav, await DownloadAsync(endedEvent.GetProperty("recording").GetProperty("url").GetString()!));
    }

    private static void AssertPin(JsonElement input)
    {
        Assert.Equal("123", input.GetProperty("digits").GetString());
        Assert.Equal("terminator", input.GetProperty("endedBy").GetString());
        Assert.Equal("#", input.GetProperty("terminator").GetString());
        Assert.Equal("pin", input.GetProperty("name").GetString());
    }

    private static List<string> Triggers(JsonElement call) =>
        [.. call.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("trigger").GetString()!)];

    private static string? Type(Serverless.Functions.Tests.Callbacks.ReceivedCallback callback)
    {
        using var body = JsonDocument.Parse(callback.Body);
        return body.RootElement.GetProperty("type").GetString();
    }

    /// <summary>Production's guarded callback handler; only the certificate check knows the test's self-signed receiver.</summary>
    private static void TrustReceiverCertificate(IServiceCollection services) =>
        services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => CallbackReceiver.IsOurCertificate(certificate);
            return handler;
        });
}
