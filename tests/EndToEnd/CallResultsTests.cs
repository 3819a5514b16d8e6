using System.Text.Json;
using Serverless.Shared.Security;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.WebRtc.Media;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// What a call produced reaches the business through the public surface only: the dial API's GET, the recording link
/// it hands out, and the signed status callbacks.
/// </summary>
public sealed class CallResultsTests
{
    [Fact]
    public async Task Outbound_plan_collects_digits_and_records_and_the_business_sees_both_in_the_API_and_signed_callbacks()
    {
        await using var receiver = await SignedCallbackReceiver.StartAsync();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            ConfigureFunctions = s =>
            {
                s["Callbacks:SigningSecret"] = SignedCallbackReceiver.Secret;
                s["Callbacks:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
            },
            ConfigureFunctionsServices = SignedCallbackReceiver.Trust,
        });
        product.Simulator.Permissions.Grant(User);
        // The user presses 1 2 3 # as soon as the call connects (type-ahead during the prompt) and speaks 660 Hz.
        product.Phones.SetScript(User, new PhoneScript { PressDigits = "123#", ToneHz = UserHz });
        var plan = new
        {
            steps = new object[]
            {
                new { tone = new { hz = PromptHz, ms = 1000 } },
                new { name = "pin", collect = new { max = 4, terminator = "#", timeoutMs = 10_000 } },
                new { record = new { maxSeconds = 3, format = "wav" } },
            },
        };

        var (status, dialled) = await product.Calls.DialAsync(new { to = "+" + User, audio = plan, callbackUrl = receiver.Url });
        Assert.True(status == 202, $"dial answered {status}: {dialled}");
        var callId = dialled.Id();
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        Assert.InRange((await phone.WaitForToneAsync(PromptHz, Wait)).FrequencyHz, PromptHz - 10, PromptHz + 10);

        // The plan ends after the recording: the call completes, and the node's final report carries the recording.
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.Has("recording"), Wait);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        var input = Assert.Single(ended.GetProperty("inputs").EnumerateArray());
        AssertPin(input);
        var media = ended.GetProperty("media");
        Assert.True(media.GetProperty("packetsReceived").GetInt64() > 100, media.ToString());
        Assert.True(media.GetProperty("packetsLost").GetInt64() >= 0, media.ToString());
        Assert.False(ended.Has("lastError"), ended.ToString());
        Assert.All(ended.GetProperty("events").EnumerateArray(), e => Assert.DoesNotContain("{", e.GetProperty("detail").GetString(), StringComparison.Ordinal));

        // The link the API made downloads the recording from Azurite, and it holds the user's 660 Hz.
        var recording = ended.GetProperty("recording");
        var wav = await DownloadAsync(recording.GetProperty("url").GetString()!);
        Assert.Equal("audio/wav", recording.GetProperty("contentType").GetString());
        Assert.Equal(recording.GetProperty("sizeBytes").GetInt64(), wav.Length);
        Assert.InRange(recording.GetProperty("durationSeconds").GetDouble(), 2.5, 3.0);
        var (rate, channels, samples) = WavFile.Read(wav);
        Assert.Equal((48_000, 1), (rate, channels));
        Assert.InRange(ToneDetector.EstimateFrequency(samples, rate), UserHz - 5, UserHz + 5);

        // GET …/recording answers 302 to a fresh link to the same bytes.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = product.FunctionsBaseAddress };
        noRedirects.DefaultRequestHeaders.Add("x-functions-key", product.Functions.Keys.DefaultHostKey);
        using var redirect = await noRedirects.GetAsync(new Uri($"api/calls/{callId}/recording", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(wav, await DownloadAsync(redirect.Headers.Location!.AbsoluteUri));

        // Callbacks: call.input as the collect step completed, call.ended with the same results, all correctly signed.
        await product.MediaEndedAsync(callId);
        await product.Functions.RunQueueAsync("DrainCallbacks");
        Assert.All(receiver.Received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
        var inputEvent = Assert.Single(receiver.Of(callId, "call.input")).Body;
        AssertPin(inputEvent.GetProperty("input"));
        var endedEvent = Assert.Single(receiver.Of(callId, "call.ended")).Body;
        Assert.Equal(("ended", "completed"), (endedEvent.GetProperty("state").GetString(), endedEvent.GetProperty("outcome").GetString()));
        AssertPin(Assert.Single(endedEvent.GetProperty("inputs").EnumerateArray()));
        Assert.Equal(media.GetProperty("packetsReceived").GetInt64(), endedEvent.GetProperty("media").GetProperty("packetsReceived").GetInt64());
        var callbackRecording = endedEvent.GetProperty("recording");
        Assert.Equal(recording.GetProperty("sizeBytes").GetInt64(), callbackRecording.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(wav, await DownloadAsync(callbackRecording.GetProperty("url").GetString()!));
        Assert.False(endedEvent.TryGetProperty("lastError", out _), endedEvent.ToString());
    }

    [Fact]
    public async Task A_plan_whose_prompt_does_not_exist_fails_the_call_with_prompt_not_found()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        var plan = new { steps = new object[] { new { prompt = "no-such-prompt" }, new { tone = new { hz = PromptHz, ms = 1000 } } } };

        var callId = await product.DialAcceptedAsync(User, plan);
        var failed = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);

        Assert.Equal(("failed", "failed", "mediaFailed"), (failed.State(), failed.Outcome(), failed.GetProperty("endReason").GetString()));
        var error = failed.GetProperty("lastError");
        Assert.Equal("prompt-not-found", error.GetProperty("code").GetString());
        Assert.StartsWith("Step 0:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Meta hears that the call is over.
        await product.WaitForGraphCallActionAsync("terminate");
    }

    private static void AssertPin(JsonElement input)
    {
        Assert.Equal("123", input.GetProperty("digits").GetString());
        Assert.Equal("terminator", input.GetProperty("endedBy").GetString());
        Assert.Equal("#", input.GetProperty("terminator").GetString());
        Assert.Equal("pin", input.GetProperty("name").GetString());
        Assert.True(input.GetProperty("endedAt").GetDateTimeOffset() >= input.GetProperty("startedAt").GetDateTimeOffset(), input.ToString());
    }
}
