using Azure.Storage.Queues;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

public class StorageQueueCommandSenderTests
{
    // Nothing listens on port 1: any network call would fail, so these tests prove the checks come first.
    private static readonly StorageQueueClients Nowhere = new(new QueueServiceClient(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        StorageQueueClients.CreateClientOptions()));

    private readonly StorageQueueCommandSender _sender = new(Nowhere, new CommandQueueNames("commands-new", "commands-"));

    [Fact]
    public async Task Command_larger_than_a_queue_message_is_refused_before_sending()
    {
        var huge = new StartInbound { CallId = "c", CreatedAt = DateTimeOffset.UnixEpoch, OfferSdp = new string('a', StorageQueueCommandSender.MaxBodyBytes) };

        var error = await Assert.ThrowsAsync<CommandTooLargeException>(() => _sender.SendAsync(huge));
        Assert.Contains(nameof(StartInbound), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_up_without_node_is_refused_before_sending()
    {
        var orphan = new Hangup { CallId = "c", CreatedAt = DateTimeOffset.UnixEpoch, Reason = HangupReason.User, Sequence = 1 };

        await Assert.ThrowsAsync<CommandRoutingException>(() => _sender.SendAsync(orphan));
    }
}
