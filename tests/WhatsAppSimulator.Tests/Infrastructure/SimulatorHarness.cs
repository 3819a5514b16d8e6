using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Testing.WhatsAppSimulator.Phone;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

/// <summary>A simulator on FakeTimeProvider, a webhook receiver and an authorised Graph client.</summary>
public sealed class SimulatorHarness : IAsyncDisposable
{
    public const string Version = "v23.0";
    public const string User = "16315553602";

    private SimulatorHarness(WhatsAppSimulator simulator, WebhookReceiver receiver, FakeTimeProvider time, HttpClient http)
    {
        Simulator = simulator;
        Receiver = receiver;
        Time = time;
        Http = http;
    }

    public WhatsAppSimulator Simulator { get; }

    public WebhookReceiver Receiver { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public string PhoneNumberId => Simulator.DefaultNumber.PhoneNumberId;

    public static async Task<SimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
        var receiver = await WebhookReceiver.StartAsync();
        var options = new SimulatorOptions { TimeProvider = time, WebhookUrl = receiver.Url };
        configure?.Invoke(options);
        var simulator = await WhatsAppSimulator.StartAsync(options);
        var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        return new SimulatorHarness(simulator, receiver, time, http);
    }

    public async Task<GraphReply> PostAsync(string edge, string json, string? phoneNumberId = null)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync($"{Version}/{phoneNumberId ?? PhoneNumberId}/{edge}", content);
        return new GraphReply((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<GraphReply> GetAsync(string pathAndQuery)
    {
        using var response = await Http.GetAsync($"{Version}/{PhoneNumberId}/{pathAndQuery}");
        return new GraphReply((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<GraphReply> ConnectAsync(string to = User, string? sdp = null, string? opaque = null) =>
        PostAsync("calls", JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["messaging_product"] = "whatsapp",
            ["to"] = to,
            ["action"] = "connect",
            ["session"] = new Dictionary<string, string> { ["sdp_type"] = "offer", ["sdp"] = sdp ?? BusinessSdp.Offer },
            ["biz_opaque_callback_data"] = opaque,
        }));

    public Task<GraphReply> CallActionAsync(string action, string callId, string? sdpType = null, string? sdp = null)
    {
        var body = new Dictionary<string, object> { ["messaging_product"] = "whatsapp", ["call_id"] = callId, ["action"] = action };
        if (sdpType is not null)
        {
            body["session"] = new Dictionary<string, string> { ["sdp_type"] = sdpType, ["sdp"] = sdp ?? BusinessSdp.Answer };
        }

        return PostAsync("calls", JsonSerializer.Serialize(body));
    }

    public async Task<string> ConnectOkAsync(string to = User)
    {
        Simulator.Permissions.Grant(to);
        var reply = await ConnectAsync(to);
        Assert.Equal(200, reply.Status);
        return reply.Json.RootElement.GetProperty("calls")[0].GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

public sealed record GraphReply(int Status, string Body)
{
    public JsonDocument Json => JsonDocument.Parse(Body);

    public JsonElement Error => Json.RootElement.GetProperty("error");
}

/// <summary>SDP the "business" sends: taken from the SDP-only phone, which writes only sha-256 fingerprints.</summary>
public static class BusinessSdp
{
    public static readonly string Offer = new SdpOnlyPhone(50000).CreateOfferAsync(CancellationToken.None).Result;

    public static readonly string Answer = new SdpOnlyPhone(50002).AnswerAsync(Offer, CancellationToken.None).Result;

    public static string WithFingerprint(string sdp, string hash) =>
        sdp.Replace("a=fingerprint:sha-256 ", $"a=fingerprint:sha-256 00:11\r\na=fingerprint:{hash} ", StringComparison.Ordinal);
}
