using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>Every log line of every component, formatted, with its structured values (a secret must be in neither).</summary>
internal sealed class CollectingLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _messages = new();

    /// <summary>Each line: the formatted message, its structured values and the exception.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The formatted messages alone.</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>The frames a call's stream measured latency for, caller to agent and agent to caller (the node's stream-latency line).</summary>
    public static (long Up, long Down) StreamLatency(CollectingLogs logs, string callId)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var line = logs.Lines.FirstOrDefault(l => l.Contains("stream latency", StringComparison.Ordinal) && l.Contains(callId, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No stream latency line for {callId}.");
        var match = System.Text.RegularExpressions.Regex.Match(line, @"caller to agent (\d+) frames.*agent to caller (\d+) frames");
        return match.Success
            ? (long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"Unreadable stream latency line: {line}");
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            var message = formatter(state, exception);
            owner._messages.Enqueue(message);
            owner._lines.Enqueue($"{message} {values} {exception}");
        }
    }
}
