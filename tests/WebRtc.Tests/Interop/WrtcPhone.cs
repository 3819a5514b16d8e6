using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// Google's libwebrtc as the user's phone: runs tests/Phone/wrtc-phone.js under Node and talks to it
/// with one JSON object per line. Replies come back in order; state events are kept separately.
/// </summary>
internal sealed class WrtcPhone : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NodeScript _script = null!;

    private WrtcPhone()
    {
    }

    /// <summary>The last connection state the phone reported.</summary>
    public string ConnectionState { get; private set; } = "new";

    /// <summary>Completes when libwebrtc reports connectionState "connected".</summary>
    public Task Connected => _connected.Task;

    /// <summary>Starts libwebrtc, or with <paramref name="script"/> another phone of the same line protocol (chromium-phone.mjs).</summary>
    public static async Task<WrtcPhone> StartAsync(string script = "wrtc-phone.js")
    {
        var phone = new WrtcPhone();
        phone._script = NodeScript.Start(Path.Combine("tests", "Phone", script), [], phone.IsEvent, ReplyTimeout);
        await phone._ready.Task.WaitAsync(ReplyTimeout);
        return phone;
    }

    public async Task<string> CreateOfferAsync() => (string)(await SendAsync(new JsonObject { ["cmd"] = "offer" }))["sdp"]!;

    public async Task<string> AnswerAsync(string offer) => (string)(await SendAsync(new JsonObject { ["cmd"] = "answer", ["sdp"] = offer }))["sdp"]!;

    public Task SetRemoteAnswerAsync(string answer) => SendAsync(new JsonObject { ["cmd"] = "remote", ["sdp"] = answer });

    public Task SendToneAsync(double hz) => SendAsync(new JsonObject { ["cmd"] = "tone", ["hz"] = hz });

    /// <summary>Presses keys on the phone's keypad (RFC 4733; chromium-phone.mjs only).</summary>
    public Task SendDtmfAsync(string digits) => SendAsync(new JsonObject { ["cmd"] = "dtmf", ["digits"] = digits });

    /// <summary>Frequency and level of what the phone heard in the last <paramref name="window"/>.</summary>
    public async Task<(double Hz, double Rms)> MeasureAsync(TimeSpan window)
    {
        var reply = await SendAsync(new JsonObject { ["cmd"] = "measure", ["ms"] = window.TotalMilliseconds });
        return ((double)reply["hz"]!, (double)reply["rms"]!);
    }

    public Task<JsonObject> StatsAsync() => SendAsync(new JsonObject { ["cmd"] = "stats" });

    /// <summary>Polls what the phone hears until it is <paramref name="hz"/> ± 5 at an audible level, or fails after the reply timeout.</summary>
    public async Task AssertHearsAsync(double hz, TimeSpan window)
    {
        var deadline = DateTime.UtcNow + ReplyTimeout;
        (double Hz, double Rms) heard = default;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (DateTime.UtcNow < deadline && await poll.WaitForNextTickAsync())
        {
            heard = await MeasureAsync(window);
            if (Math.Abs(heard.Hz - hz) <= 5 && heard.Rms > 1000)
            {
                return;
            }
        }

        Xunit.Assert.Fail($"The phone heard {heard.Hz:F1} Hz at RMS {heard.Rms:F0}, expected {hz} Hz");
    }

    /// <summary>
    /// The phone's inbound RTP packet count once it reaches <paramref name="atLeast"/>, or the last count seen after
    /// the reply timeout: getStats lags the media (on a loaded machine by more than a second), so it is polled.
    /// </summary>
    public async Task<long> PacketsReceivedAsync(long atLeast)
    {
        var deadline = DateTime.UtcNow + ReplyTimeout;
        long received = 0;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        do
        {
            var stats = await StatsAsync();
            received = stats["inbound"]?["packetsReceived"] is { } count ? (long)count : 0;
        }
        while (received < atLeast && DateTime.UtcNow < deadline && await poll.WaitForNextTickAsync());

        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await _script.StopAsync(new JsonObject { ["cmd"] = "close" });
        await _script.DisposeAsync();
    }

    private Task<JsonObject> SendAsync(JsonObject command) => _script.RequestAsync(command);

    private bool IsEvent(JsonObject message)
    {
        switch ((string?)message["event"])
        {
            case "ready":
                _ready.TrySetResult();
                return true;
            case "state":
                ConnectionState = (string?)message["connection"] ?? ConnectionState;
                if (ConnectionState == "connected")
                {
                    _connected.TrySetResult();
                }

                return true;
            default:
                return false;
        }
    }
}
