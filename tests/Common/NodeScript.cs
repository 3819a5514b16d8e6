using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Serverless.Testing;

/// <summary>
/// A Node script the tests drive over stdio (the phones in tests/Phone, the agents in tests/Agents): one JSON object per
/// line each way. Lines the owner's <c>isEvent</c> claims are events; the others are replies to the command in
/// flight (one at a time). Standard error and any non-JSON output are kept for failure messages.
/// </summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Func<JsonObject, bool> _isEvent;
    private readonly string _name;
    private readonly TimeSpan _replyTimeout;
    private readonly Channel<JsonObject> _replies = Channel.CreateUnbounded<JsonObject>();
    private readonly List<string> _log = [];
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private NodeScript(Process process, string name, Func<JsonObject, bool> isEvent, TimeSpan replyTimeout)
    {
        _process = process;
        _name = name;
        _isEvent = isEvent;
        _replyTimeout = replyTimeout;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                AddLog(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>node</c> on <paramref name="script"/> (a path below the repository root) with <paramref name="arguments"/>.</summary>
    public static NodeScript Start(string script, IEnumerable<string> arguments, Func<JsonObject, bool> isEvent, TimeSpan replyTimeout)
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Path.Combine(root, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        return new NodeScript(process, Path.GetFileName(script), isEvent, replyTimeout);
    }

    /// <summary>The last lines of standard error and non-JSON output.</summary>
    public string Log(int last = 40)
    {
        lock (_log)
        {
            return string.Join('\n', _log.TakeLast(last));
        }
    }

    public void AddLog(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }

    /// <summary>Sends <paramref name="command"/> and returns its reply; a reply whose <c>event</c> is <c>error</c> throws.</summary>
    public async Task<JsonObject> RequestAsync(JsonObject command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = command.ToJsonString();
        await _oneAtATime.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(text);
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(_replyTimeout);
            JsonObject reply;
            try
            {
                reply = await _replies.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{_name} did not answer '{command["cmd"]}'.\n{Log()}");
            }

            if ((string?)reply["event"] == "error")
            {
                throw new InvalidOperationException($"{_name} failed '{text[..Math.Min(200, text.Length)]}': {reply["message"]}\n{Log()}");
            }

            return reply;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Ends the script politely (<paramref name="close"/>, or closing its stdin), else kills it.</summary>
    public async Task StopAsync(JsonObject? close = null)
    {
        try
        {
            if (!_process.HasExited)
            {
                if (close is not null)
                {
                    await RequestAsync(close);
                }
                else
                {
                    _process.StandardInput.Close();
                }

                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _oneAtATime.Dispose();
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
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            AddLog("stdout: " + line);
            return;
        }

        if (!_isEvent(message))
        {
            _replies.Writer.TryWrite(message);
        }
    }
}
