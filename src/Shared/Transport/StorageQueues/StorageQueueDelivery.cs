using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Serverless.Shared.Transport.StorageQueues;

/// <summary>
/// One Storage Queue message, held invisible for the receive's visibility timeout (at-least-once: if we crash,
/// it reappears). Settlement: complete = delete; abandon = shorten the invisibility to the retry delay (the
/// service raises <c>DequeueCount</c> on the next receive); dead-letter = copy the unchanged body to
/// <c>{queue}-poison</c>, then delete; requeue = send a fresh copy that becomes visible after the delay, then delete.
/// Until it is settled the message's invisibility is renewed every third of <see cref="MediaTransportOptions.VisibilityTimeout"/>
/// (Update Message, which does not count a dequeue), so a message waiting in its batch or for its reply's handover
/// stays this node's however long that takes, and reappears within one timeout once the node is gone. Every
/// operation goes through one gate: each update hands out a new pop receipt, which the next operation must use.
/// </summary>
internal sealed partial class StorageQueueDelivery : CommandDelivery, IDisposable
{
    private readonly QueueClient _queue;
    private readonly QueueMessage _message;
    private readonly StorageQueueClients _queues;
    private readonly TimeSpan _visibility;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer? _renewal;
    private string _popReceipt;
    private bool _settled;

    public StorageQueueDelivery(QueueClient queue, QueueMessage message, StorageQueueClients queues, TimeSpan visibility, TimeProvider time, ILogger logger)
    {
        _queue = queue;
        _message = message;
        _queues = queues;
        _visibility = visibility;
        _logger = logger;
        _popReceipt = message.PopReceipt;
        var every = visibility / 3;
        _renewal = time.CreateTimer(_ => _ = RenewAsync(), null, every, every);
    }

    /// <summary>How often the invisibility was renewed.</summary>
    public int Renewals { get; private set; }

    public override string Queue => _queue.Name;

    public override ReadOnlyMemory<byte> Body => _message.Body.ToMemory();

    public override int DeliveryCount => checked((int)_message.DequeueCount);

    public override Task CompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(receipt => _queue.DeleteMessageAsync(_message.MessageId, receipt, cancellationToken), cancellationToken);

    public override Task AbandonAsync(TimeSpan retryDelay, CancellationToken cancellationToken) =>
        SettleAsync(receipt => _queue.UpdateMessageAsync(_message.MessageId, receipt, visibilityTimeout: retryDelay, cancellationToken: cancellationToken), cancellationToken);

    public override async Task DeadLetterAsync(DeadLetterReason reason, string detail, CancellationToken cancellationToken)
    {
        // Copy first, delete second: a crash in between leaves a duplicate, never a loss.
        var poison = await _queues.GetAsync(CommandQueueNames.PoisonOf(_queue.Name), cancellationToken);
        await poison.SendMessageAsync(_message.Body, cancellationToken: cancellationToken);
        await CompleteAsync(cancellationToken);
    }

    public override async Task RequeueAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await _queue.SendMessageAsync(_message.Body, visibilityTimeout: delay, cancellationToken: cancellationToken);
        await CompleteAsync(cancellationToken);
    }

    /// <summary>Stops renewing without settling: the message reappears after its visibility timeout (the node gave it up).</summary>
    public void Dispose()
    {
        _renewal?.Dispose();
    }

    private async Task SettleAsync(Func<string, Task> settle, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _settled = true;
            _renewal?.Dispose();
            await settle(_popReceipt);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RenewAsync()
    {
        // A renewal still running when the next tick comes makes that tick a no-op.
        if (!_gate.Wait(0))
        {
            return;
        }

        try
        {
            if (_settled)
            {
                return;
            }

            var receipt = await _queue.UpdateMessageAsync(_message.MessageId, _popReceipt, visibilityTimeout: _visibility);
            _popReceipt = receipt.Value.PopReceipt;
            Renewals++;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Gone (taken back after an overdue renewal, or the queue lost): nothing left to keep.
            LogRenewalLost(_logger, _message.MessageId, _queue.Name);
            _renewal?.Dispose();
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            LogRenewFailed(_logger, ex, _message.MessageId);
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on {Queue} was taken back before it was settled; another receiver may run it")]
    private static partial void LogRenewalLost(ILogger logger, string messageId, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the invisibility of message {MessageId} failed; retrying at the next period")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string messageId);
}
