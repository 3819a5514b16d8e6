using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Serverless.Testing.ServiceBusBroker;

/// <summary>The request/response nodes: <c>$cbs</c> (put-token) and <c>{queue}/$management</c>.</summary>
public sealed partial class ServiceBusTestBroker
{
    internal void HandleRequest(BrokerQueue? queue, MessageContext context)
    {
        var request = context.Message;
        context.Complete();
        var replyTo = request.Properties?.ReplyTo;
        if (replyTo is null || !_responseLinks.TryGetValue(replyTo, out var responseLink))
        {
            return;
        }

        var operation = request.ApplicationProperties?["operation"] as string;
        Trace($"request {queue?.Name ?? AmqpNames.Cbs} {operation}");
        Message response;
        try
        {
            response = queue is null ? PutToken(operation) : Manage(queue, operation, request);
        }
        catch (Exception ex) when (ex is InvalidCastException or KeyNotFoundException or NullReferenceException or AmqpException)
        {
            response = Status(400, $"Malformed {operation} request: {ex.Message}");
        }

        response.Properties ??= new Properties();
        response.Properties.SetCorrelationId(request.Properties!.GetMessageId());
        responseLink.SendMessage(response);
    }

    /// <summary>CBS: every token is accepted (the emulator's well-known key is no secret either).</summary>
    private static Message PutToken(string? operation)
    {
        var (code, description) = operation == "put-token" ? (202, "Accepted") : (400, $"Unsupported CBS operation '{operation}'.");
        return new Message
        {
            ApplicationProperties = new ApplicationProperties { ["status-code"] = code, ["status-description"] = description },
        };
    }

    private Message Manage(BrokerQueue queue, string? operation, Message request)
    {
        var body = (request.Body as Map) ?? new Map();
        var now = _time.GetUtcNow();
        switch (operation)
        {
            case "com.microsoft:schedule-message":
            {
                var sequenceNumbers = new List<long>();
                foreach (var item in (System.Collections.IList)Get(body, "messages")!)
                {
                    var entry = (Map)item!;
                    if (Enqueue(queue, (byte[])Get(entry, "message")!) is { } sequence)
                    {
                        sequenceNumbers.Add(sequence);
                    }
                }

                return Status(200, "OK", new Map { ["sequence-numbers"] = sequenceNumbers.ToArray() });
            }

            case "com.microsoft:cancel-scheduled-message":
            {
                var cancel = ((long[])Get(body, "sequence-numbers")!).ToHashSet();
                queue.Messages.RemoveAll(m => cancel.Contains(m.SequenceNumber) && m.EnqueuedAt > now);
                return Status(200, "OK", new Map());
            }

            case "com.microsoft:renew-lock":
            {
                var expirations = new List<DateTime>();
                foreach (var token in (Guid[])Get(body, "lock-tokens")!)
                {
                    if (queue.FindLocked(token) is not { } message || !message.IsLocked(now))
                    {
                        return Status(410, "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.");
                    }

                    message.LockedUntil = now + queue.Settings.LockDuration;
                    expirations.Add(message.LockedUntil.UtcDateTime);
                }

                return Status(200, "OK", new Map { ["expirations"] = expirations.ToArray() });
            }

            case "com.microsoft:update-disposition":
            {
                // Settlement of a message whose receive link is gone (the client falls back to this).
                var status = Get(body, "disposition-status") as string;
                DeliveryState state = status switch
                {
                    "completed" => new Accepted(),
                    "abandoned" => new Modified(),
                    "suspended" => new Rejected
                    {
                        Error = new Error(AmqpNames.DeadLetterCondition)
                        {
                            Info = new Fields
                            {
                                [(Symbol)AmqpNames.DeadLetterReason] = Get(body, "deadletter-reason"),
                                [(Symbol)AmqpNames.DeadLetterErrorDescription] = Get(body, "deadletter-description"),
                            },
                        },
                    },
                    _ => new Modified { UndeliverableHere = true },
                };
                foreach (var token in (Guid[])Get(body, "lock-tokens")!)
                {
                    if (Settle(queue, token, state) is Rejected { Error: { } error } && !AmqpNames.Is(error.Condition, AmqpNames.DeadLetterCondition))
                    {
                        return Status(AmqpNames.Is(error.Condition, AmqpNames.LockLostCondition) ? 410 : 501, error.Description);
                    }
                }

                return Status(200, "OK", new Map());
            }

            default:
                return Status(501, $"The operation '{operation}' is not implemented by the test broker.");
        }
    }

    /// <summary>Service Bus encodes management map keys as strings; accept symbols too.</summary>
    private static object? Get(Map map, string key) => map.TryGetValue(key, out var value) ? value : map[(Symbol)key];

    private static Message Status(int code, string description, Map? body = null) => new()
    {
        ApplicationProperties = new ApplicationProperties { ["statusCode"] = code, ["statusDescription"] = description },
        BodySection = body is null ? null : new AmqpValue { Value = body },
    };
}
