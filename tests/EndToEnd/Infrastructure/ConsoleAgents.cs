using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// Agents of the console in a real Chromium: runs tests/Phone/console-agents.mjs under Node (playwright-core, Debian's
/// chromium, the fake microphone playing <paramref name="wav"/>) and talks to it one JSON object per line.
/// </summary>
internal sealed class ConsoleAgents : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly Channel<JsonObject> _replies = Channel.CreateUnbounded<JsonObject>();
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private ConsoleAgents(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the pages logged and any page errors, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log.TakeLast(60));
            }
        }
    }

    public static async Task<ConsoleAgents> StartAsync(Uri functions, string wav)
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Path.Combine(root, "tests", "Phone", "console-agents.mjs"));
        start.ArgumentList.Add(functions.AbsoluteUri);
        start.ArgumentList.Add(wav);
        var agents = new ConsoleAgents(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
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
            var reply = await _replies.Reader.ReadAsync().AsTask().WaitAsync(ReplyTimeout);
            if ((string?)reply["event"] == "error")
            {
                throw new InvalidOperationException($"console-agents: {reply["message"]} (command {command.ToJsonString()[..Math.Min(200, command.ToJsonString().Length)]})\n{Log}");
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

        JsonObject message;
        try
        {
            message = JsonNode.Parse(line)!.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            lock (_log)
            {
                _log.Add(line);
            }

            return;
        }

        if ((string?)message["event"] == "ready")
        {
            _ready.TrySetResult();
        }
        else if (message["agent"] is not null && (string?)message["event"] == "error" && message["cmd"] is null)
        {
            // An unsolicited page error: logged, the next reply still belongs to the next command.
            lock (_log)
            {
                _log.Add("page error: " + line);
            }
        }
        else
        {
            _replies.Writer.TryWrite(message);
        }
    }
}
