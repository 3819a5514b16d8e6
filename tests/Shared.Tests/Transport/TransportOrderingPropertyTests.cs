using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;

namespace Serverless.Shared.Tests.Transport;

public class TransportOrderingPropertyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Follow-ups 1..n of one call, in any arrival order, each possibly sent twice.</summary>
    private static readonly Gen<(int Count, long[] Arrival)> GenArrivals =
        Gen.Int[1, 8].SelectMany(n =>
            Gen.Bool.Array[n].SelectMany(duplicated =>
                Gen.Shuffle(Enumerable.Range(1, n).SelectMany(i => duplicated[i - 1] ? new[] { (long)i, i } : [i]).ToArray())
                    .Select(arrival => (n, arrival))));

    [Fact]
    public async Task Any_arrival_order_with_duplicates_is_handled_once_each_in_sequence_order()
    {
        await GenArrivals.SampleAsync(async sample =>
        {
            var (count, arrival) = sample;
            var time = new FakeTimeProvider(At);
            using var bus = new InMemoryCommandBus(time);
            var options = new MediaTransportOptions { Kind = TransportKind.InMemory, HoldBackDelay = TimeSpan.FromSeconds(1) };
            var sender = new InMemoryCommandSender(bus, options.QueueNames());
            var receiver = new InMemoryCommandReceiver(bus, "node-a", options,
                new CommandProcessorFactory(new InMemoryIdempotencyStore(time), new CallSequenceGate(), options, time));
            using var handler = new RecordingHandler();
            var followUps = Enumerable.Range(1, count)
                .ToDictionary(i => (long)i, i => (MediaCommand)Commands.Tone("c", "node-a", At, i));

            await sender.SendAsync(Commands.Start("c", At));
            await receiver.ReceiveOnceAsync(handler, CancellationToken.None);
            foreach (var sequence in arrival)
            {
                await sender.SendAsync(followUps[sequence]);
            }

            // Each round hands at least the next command over, so count + 1 rounds always suffice.
            for (var round = 0; round <= count; round++)
            {
                await receiver.ReceiveOnceAsync(handler, CancellationToken.None);
                time.Advance(options.HoldBackDelay);
            }

            Assert.Equal(Enumerable.Range(0, count + 1).Select(i => (long)i), handler.Handled.Select(c => c.Sequence));
            Assert.Equal(count + 1, handler.TotalAttempts);
            Assert.Empty(bus.DeadLettered("commands-node-a"));
        });
    }
}
