using System.Text;
using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.ServiceBusBroker;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>A command no node can read, on either transport: set aside where an operator finds it, and calls go on.</summary>
public sealed class PoisonCommandTests
{
    private static readonly object ShortPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 1500 } } } };

    [Theory]
    [InlineData(TransportKind.StorageQueues)]
    [InlineData(TransportKind.ServiceBus)]
    public async Task Unreadable_command_on_the_new_calls_queue_is_dead_lettered_and_the_next_call_still_connects(TransportKind transport)
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions { Transport = transport });
        // On Service Bus the queues are the deployed ones (lock, max deliveries, duplicate detection, TTL from Bicep's JSON).
        Assert.Equal(transport == TransportKind.ServiceBus ? QueueSettings.Deployed : null, product.Broker?.QueueDefaults);
        var poison = Encoding.UTF8.GetBytes("{\"not\":\"a command\"}");
        await product.SendRawCommandAsync(product.NewCallsQueue, poison);

        product.Simulator.Permissions.Grant(User);
        var callId = await product.DialAcceptedAsync(User, ShortPrompt);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        Assert.True(product.Simulator.HangUpAsUser(await product.WacidAsync(callId)));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
        Assert.Equal("completed", ended.Outcome());

        var deadLettered = await WaitForDeadLetterAsync(product, product.NewCallsQueue);
        Assert.Equal(poison, deadLettered.Body);
        // Service Bus keeps the node's own reason (it dead-letters before the queue's MaxDeliveryCount would).
        Assert.Equal(transport == TransportKind.ServiceBus ? nameof(DeadLetterReason.Unreadable) : null, deadLettered.Reason);
    }

    private static async Task<DeadLettered> WaitForDeadLetterAsync(LocalProduct product, string queue)
    {
        using var timeout = new CancellationTokenSource(Wait);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            do
            {
                var found = await product.DeadLetteredAsync(queue, timeout.Token);
                if (found.Count > 0)
                {
                    return found[0];
                }
            }
            while (await ticks.WaitForNextTickAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Reported below.
        }

        throw new TimeoutException($"Nothing was dead-lettered from {queue} within {Wait}.");
    }
}
