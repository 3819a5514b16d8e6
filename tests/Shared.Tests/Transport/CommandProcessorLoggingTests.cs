using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;

namespace Serverless.Shared.Tests.Transport;

public class CommandProcessorLoggingTests
{
    [Fact]
    public async Task Retries_and_dead_letters_are_logged_with_the_call_id()
    {
        var time = new FakeTimeProvider();
        using var bus = new InMemoryCommandBus(time);
        var options = new MediaTransportOptions { Kind = TransportKind.InMemory, MaxAttempts = 2, RetryDelay = TimeSpan.Zero };
        var logger = new ListLogger();
        var receiver = new InMemoryCommandReceiver(bus, "node-a", options,
            new CommandProcessorFactory(new InMemoryIdempotencyStore(time), new CallSequenceGate(), options, time, logger));
        using var handler = new RecordingHandler { FailWhen = (_, _) => true };
        await new InMemoryCommandSender(bus, options.QueueNames())
            .SendAsync(new StartOutbound { CallId = "call-42", CreatedAt = time.GetUtcNow() });

        await receiver.ReceiveOnceAsync(handler, CancellationToken.None);
        await receiver.ReceiveOnceAsync(handler, CancellationToken.None);

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("call-42", StringComparison.Ordinal));
        var deadLettered = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(nameof(DeadLetterReason.MaxAttemptsExceeded), deadLettered.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(deadLettered.Exception);
    }

    private sealed class ListLogger : ILogger<CommandProcessor>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
