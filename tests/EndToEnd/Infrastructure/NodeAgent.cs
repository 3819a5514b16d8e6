using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// A test agent under Node (tests/Agents/*.mjs): the WebSocket server a <c>stream</c> step connects to. The script prints
/// one JSON object per line: first <c>{"event":"listening","port":N}</c>, then what it saw; closing its stdin ends it.
/// </summary>
internal sealed class NodeAgent : IAsyncDisposable
{
    private readonly List<JsonElement> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NodeScript _script = null!;

    private NodeAgent()
    {
    }

    /// <summary>ws://127.0.0.1:{port}/ of the agent.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<NodeAgent> StartAsync(string script, params string[] arguments)
    {
        var agent = new NodeAgent();
        agent._script = NodeScript.Start(Path.Combine("tests", "Agents", script), arguments, agent.OnLine, E2E.Wait);
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

    // Every line the agent prints is a report (it takes no commands).
    private bool OnLine(JsonObject message)
    {
        var line = JsonSerializer.SerializeToElement(message);
        if (Event(line) == "listening")
        {
            _port.TrySetResult(line.GetProperty("port").GetInt32());
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _changed.Release();
        return true;
    }

    private string Errors() => _script.Log(20);

    public async ValueTask DisposeAsync()
    {
        await _script.DisposeAsync(); // closing its stdin ends it
        _changed.Dispose();
    }
}
