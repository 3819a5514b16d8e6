using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// The transport contract (<see cref="TransportContractTests"/>) with the Storage Queue adapter against a real
/// Azurite, plus what is particular to Storage Queues. Visibility timeouts and delays are short so redelivery
/// happens within seconds.
/// </summary>
[Trait("Category", "Azurite")]
public sealed class StorageQueueAzuriteTests : TransportContractTests
{
    private QueueServiceClient _service = null!;
    private StorageQueueClients _queues = null!;

    protected override async Task<MediaTransportOptions> ConnectAsync()
    {
        _service = await Azurite.ConnectAsync();
        _queues = new StorageQueueClients(_service);
        return BaseOptions(TransportKind.StorageQueues, Azurite.ConnectionString);
    }

    protected override ICommandSender CreateSender() => new StorageQueueCommandSender(_queues, Options.QueueNames());

    protected override ICommandReceiver CreateReceiver(string nodeId, TimeProvider time) =>
        new StorageQueueCommandReceiver(_queues, nodeId, Options, Processors(time), time);

    protected override async Task<int> CountAsync(string queue) =>
        (await _service.GetQueueClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    protected override async Task<IReadOnlyList<MediaCommand>> DeadLetteredAsync(string queue)
    {
        var poison = _service.GetQueueClient(CommandQueueNames.PoisonOf(queue));
        if (!(await poison.ExistsAsync()).Value)
        {
            return [];
        }

        // Peek leaves them in place; decoding proves they stayed readable.
        var parked = (await (await _queues.GetAsync(poison.Name, CancellationToken.None)).PeekMessagesAsync(32)).Value;
        return [.. parked.Select(m => MediaMessageSerializer.TryDeserialize<MediaCommand>(m.Body.ToMemory().Span, out var c, out _)
            ? c : throw new InvalidOperationException("unreadable poison message"))];
    }

    protected override async Task CleanupAsync()
    {
        await foreach (var queue in _service.GetQueuesAsync(prefix: Prefix))
        {
            await _service.DeleteQueueAsync(queue.Name);
        }
    }

    [Fact]
    public async Task The_wake_doorbell_ends_the_poll_wait_so_commands_flow_with_the_clock_stopped()
    {
        // The clock never moves, so the receiver's wait after an empty round never ends by itself: each command below
        // is handled only because the sender rang the doorbell after queueing it (a node's POST /wake).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var wake = new CommandWake();
        await using var doorbell = await Doorbell.StartAsync(wake);
        using var handler = new RecordingHandler();
        var receiver = new StorageQueueCommandReceiver(_queues, "node-a", Options, Processors(time), time, wake);
        using var sender = new WakingCommandSender(Sender, [doorbell.Url], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Track(receiver.RunAsync(handler, Stopping));

        for (var i = 1; i <= 5; i++)
        {
            await sender.SendAsync(Commands.Start("c" + i, time.GetUtcNow()));
            await handler.WaitUntilAsync(h => h.Handled.Count == i, Timeout);
        }

        Assert.True(doorbell.Rings >= 4); // the first may have been found by the receiver's first round
    }

    [Fact]
    public async Task A_wake_during_a_round_starts_the_next_round_at_once()
    {
        var wake = new CommandWake();
        var seen = wake.Count;
        wake.Wake(); // came while the round was asking the queues
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        await wake.WaitAsync(seen, TimeSpan.FromHours(1), time, CancellationToken.None).WaitAsync(Timeout);
        var waiting = wake.WaitAsync(wake.Count, TimeSpan.FromHours(1), time, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        wake.Wake();
        await waiting.WaitAsync(Timeout);
    }

    /// <summary>A node's <c>POST /wake</c> on loopback, counting rings.</summary>
    private sealed class Doorbell : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _rings;

        private Doorbell(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public int Rings => Volatile.Read(ref _rings);

        public static async Task<Doorbell> StartAsync(CommandWake wake)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            var app = builder.Build();
            var doorbell = new Doorbell(app);
            app.MapPost("/wake", () =>
            {
                Interlocked.Increment(ref doorbell._rings);
                wake.Wake();
                return Results.Accepted();
            });
            await app.StartAsync();
            var address = app.Urls.First();
            doorbell.Url = new Uri(new Uri(address), "/wake");
            return doorbell;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task Queues_deleted_under_a_running_node_are_created_again_and_commands_flow()
    {
        using var handler = new RecordingHandler();
        var receiver = CreateReceiver("node-a", TimeProvider.System);
        Track(receiver.RunAsync(handler, Stopping));
        var at = DateTimeOffset.UtcNow;
        await Sender.SendAsync(Commands.Start("c1", at));
        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        // Storage comes back empty: both queues are gone while the node and the sender hold their clients.
        await _service.DeleteQueueAsync(Options.NewCallsQueue);
        await _service.DeleteQueueAsync(Options.QueueNames().ForNode("node-a"));
        await Sender.SendAsync(Commands.Start("c2", at));
        await Sender.SendAsync(Commands.End("c1", "node-a", at, 1));

        await handler.WaitUntilAsync(h => h.Handled.Count == 3, Timeout);
        Assert.True(receiver.CanReceive);
    }

    [Fact]
    public async Task A_start_awaiting_its_replys_handover_stays_this_nodes_well_past_its_visibility_timeout()
    {
        var renewals = new RenewalCounter();
        var clientOptions = StorageQueueClients.CreateClientOptions();
        clientOptions.AddPolicy(renewals, Azure.Core.HttpPipelinePosition.PerCall);
        var queues = new StorageQueueClients(new QueueServiceClient(Azurite.ConnectionString, clientOptions));
        var held = new ReplyHoldingHandler("c1");
        Track(new StorageQueueCommandReceiver(queues, "node-a", Options, Processors(TimeProvider.System), TimeProvider.System).RunAsync(held, Stopping));
        await Sender.SendAsync(Commands.Start("c1", DateTimeOffset.UtcNow));
        await held.Started.Task.WaitAsync(Timeout);
        using var other = new RecordingHandler();
        Run("node-b", other);

        // Renewed every third of the 2 s timeout: six renewals span twice the time after which it would have reappeared.
        await EventuallyAsync(() => Task.FromResult(renewals.Count >= 6), "six renewals");
        Assert.Empty(other.Handled);
        Assert.Equal(1, await CountAsync(Options.NewCallsQueue));

        held.Reply.SetResult(true);
        await EventuallyAsync(async () => await CountAsync(Options.NewCallsQueue) == 0, "completed after the hand-over");
        Assert.Empty(other.Handled);
    }

    /// <summary>Counts successful Update Message calls (PUT on a message with its pop receipt): the renewals.</summary>
    private sealed class RenewalCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnReceivedResponse(Azure.Core.HttpMessage message)
        {
            if (message.Request.Method == Azure.Core.RequestMethod.Put
                && message.Request.Uri.Query.Contains("popreceipt=", StringComparison.OrdinalIgnoreCase)
                && message.Response.Status is >= 200 and < 300)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    [Fact]
    public async Task Message_on_the_wire_is_base64_of_the_command_json()
    {
        var command = Commands.Start("c1", DateTimeOffset.UtcNow);
        await Sender.SendAsync(command);

        // A client without Base64 decoding sees the raw text the service stores.
        var raw = new QueueClient(Azurite.ConnectionString, Options.NewCallsQueue);
        var peeked = (await raw.PeekMessageAsync()).Value;

        var json = Convert.FromBase64String(peeked.Body.ToString());
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaCommand>(json, out var back, out _));
        Assert.Equal(command.MessageId, back.MessageId);
    }

    [Fact]
    public async Task Nothing_poisoned_means_the_poison_queue_is_never_created()
    {
        using var handler = new RecordingHandler();
        await Sender.SendAsync(Commands.Start("c1", DateTimeOffset.UtcNow));
        Run("node-a", handler);

        await handler.WaitUntilAsync(h => h.Handled.Count == 1, Timeout);

        Assert.False((await _service.GetQueueClient(CommandQueueNames.PoisonOf(Options.NewCallsQueue)).ExistsAsync()).Value);
    }
}
