using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// Google's libwebrtc as the user's phone: runs tests/Phone/wrtc-phone.js under Node and talks to it
/// with one JSON object per line. Replies come back in order; state events are kept separately.
/// </summary>
internal sealed class WrtcPhone : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Channel<JsonObject> _replies = Channel.CreateUnbounded<JsonObject>();
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private WrtcPhone(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The last connection state the phone reported.</summary>
    public string ConnectionState { get; private set; } = "new";

    /// <summary>Completes when libwebrtc reports connectionState "connected".</summary>
    public Task Connected => _connected.Task;

    /// <summary>Starts libwebrtc, or with <paramref name="script"/> another phone of the same line protocol (chromium-phone.mjs).</summary>
    public static async Task<WrtcPhone> StartAsync(string script = "wrtc-phone.js")
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("node", Path.Combine(root, "tests", "Phone", script))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        var phone = new WrtcPhone(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
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
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync(new JsonObject { ["cmd"] = "close" });
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            _oneAtATime.Dispose();
        }
    }

    private async Task<JsonObject> SendAsync(JsonObject command)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            JsonObject reply;
            try
            {
                reply = await _replies.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The phone did not answer '{command["cmd"]}'. stderr: {StandardError()}");
            }

            if ((string?)reply["event"] == "error")
            {
                throw new InvalidOperationException($"The phone failed '{command["cmd"]}': {reply["message"]}");
            }

            return reply;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var message = JsonNode.Parse(line)!.AsObject();
        switch ((string?)message["event"])
        {
            case "ready":
                _ready.TrySetResult();
                break;
            case "state":
                ConnectionState = (string?)message["connection"] ?? ConnectionState;
                if (ConnectionState == "connected")
                {
                    _connected.TrySetResult();
                }

                break;
            default:
                _replies.Writer.TryWrite(message);
                break;
        }
    }

    private string StandardError()
    {
        lock (_stderr)
        {
            return string.Join('\n', _stderr.TakeLast(20));
        }
    }

}
