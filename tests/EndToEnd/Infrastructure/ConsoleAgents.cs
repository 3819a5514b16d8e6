using System.Text.Json.Nodes;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// Agents of the console in a real Chromium: runs tests/Phone/console-agents.mjs under Node (playwright-core, Debian's
/// chromium, the fake microphone playing <paramref name="wav"/>) and talks to it one JSON object per line.
/// </summary>
internal sealed class ConsoleAgents : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NodeScript _script = null!;

    private ConsoleAgents()
    {
    }

    /// <summary>What the pages logged and any page errors, for failure messages.</summary>
    public string Log => _script.Log(60);

    public static async Task<ConsoleAgents> StartAsync(Uri functions, string wav)
    {
        var agents = new ConsoleAgents();
        agents._script = NodeScript.Start(Path.Combine("tests", "Phone", "console-agents.mjs"), [functions.AbsoluteUri, wav], agents.IsEvent, ReplyTimeout);
        await agents._ready.Task.WaitAsync(ReplyTimeout);
        return agents;
    }

    public Task<JsonObject> SendAsync(string cmd, string? agent = null, params (string Key, JsonNode? Value)[] members)
    {
        var command = new JsonObject { ["cmd"] = cmd };
        if (agent is not null)
        {
            command["agent"] = agent;
        }

        foreach (var (key, value) in members)
        {
            command[key] = value;
        }

        return SendAsync(command);
    }

    /// <summary>Polls what the page hears from the caller until it is <paramref name="hz"/> ± 5 at an audible level.</summary>
    public async Task<(double Hz, double Rms)> AssertHearsAsync(string agent, double hz)
    {
        var deadline = DateTime.UtcNow + ReplyTimeout;
        (double Hz, double Rms) heard = default;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (DateTime.UtcNow < deadline && await poll.WaitForNextTickAsync())
        {
            var reply = await SendAsync("measure", agent, ("ms", 500));
            heard = ((double)reply["hz"]!, (double)reply["rms"]!);
            if (Math.Abs(heard.Hz - hz) <= 5 && heard.Rms > 300)
            {
                return heard;
            }
        }

        Assert.Fail($"Agent {agent}'s page heard {heard.Hz:F1} Hz at RMS {heard.Rms:F0}, expected {hz} Hz");
        return heard;
    }

    public async ValueTask DisposeAsync()
    {
        await _script.StopAsync(new JsonObject { ["cmd"] = "close" });
        await _script.DisposeAsync();
    }

    private Task<JsonObject> SendAsync(JsonObject command) => _script.RequestAsync(command);

    private bool IsEvent(JsonObject message)
    {
        if ((string?)message["event"] == "ready")
        {
            _ready.TrySetResult();
            return true;
        }

        if (message["agent"] is not null && (string?)message["event"] == "error" && message["cmd"] is null)
        {
            // An unsolicited page error: logged, the next reply still belongs to the next command.
            _script.AddLog("page error: " + message.ToJsonString());
            return true;
        }

        return false;
    }
}
