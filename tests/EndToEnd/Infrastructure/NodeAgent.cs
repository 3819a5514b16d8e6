using System.Diagnostics;
using System.Text.Json;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// A test agent under Node (tests/Agents/*.mjs): the WebSocket server a <c>stream</c> step connects to. The script prints
/// one JSON object per line: first <c>{"event":"listening","port":N}</c>, then what it saw; closing its stdin ends it.
/// </summary>
internal sealed class NodeAgent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _lines = [];
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeAgent(Process process)
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

    /// <summary>ws://127.0.0.1:{port}/ of the agent.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<NodeAgent> StartAsync(string script, params string[] arguments)
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add(Path.Combine(root, "tests", "Agents", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var agent = new NodeAgent(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        try
        {
            var port = await agent._port.Task.WaitAsync(E2E.Wait);
            agent.Url = new Uri($"ws://127.0.0.1:{port}/");
            return agent;
        }
        catch (TimeoutException)
        {
            await agent.DisposeAsync();
            throw new InvalidOperationException($"The agent {script} did not start listening: {agent.Errors()}");
        }
    }

    /// <summary>The first line (in order of arrival) matching <paramref name="match"/>, waiting for it.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(E2E.Wait);
        while (true)
        {
            lock (_lines)
            {
                foreach (var line in _lines)
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }

            try
            {
                await _changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The agent never reported {what}. It said: {string.Join(" | ", Lines().Select(l => l.GetRawText()))} {Errors()}");
            }
        }
    }

    /// <summary>The first line whose <c>event</c> is <paramref name="name"/>.</summary>
    public Task<JsonElement> WaitForEventAsync(string name) => WaitForAsync(l => Event(l) == name, name);

    /// <summary>Everything the agent reported so far.</summary>
    public IReadOnlyList<JsonElement> Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public static string? Event(JsonElement line) => line.TryGetProperty("event", out var e) ? e.GetString() : null;

    private void OnLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        JsonElement line;
        try
        {
            line = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            lock (_stderr)
            {
                _stderr.Add("stdout: " + text);
            }

            return;
        }

        if (Event(line) == "listening")
        {
            _port.TrySetResult(line.GetProperty("port").GetInt32());
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _changed.Release();
    }

    private string Errors()
    {
        lock (_stderr)
        {
            return string.Join('\n', _stderr.TakeLast(20));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _changed.Dispose();
    }
}
