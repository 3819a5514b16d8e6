using System.Text.RegularExpressions;
using Serverless.Shared.Media;

namespace Serverless.Shared.Transport;

/// <summary>
/// The routing rule. Commands that start a call (<see cref="StartOutbound"/>, <see cref="StartInbound"/>) go to one
/// shared new-calls queue that every node consumes: competing consumers, so whichever node has room takes the call.
/// Follow-ups (<see cref="ApplyAnswer"/>, <see cref="Play"/>, <see cref="Hangup"/>) carry the owning NodeId (learnt
/// from the node's first event) and go to that node's own queue <c>{prefix}{nodeId}</c>, because only that node
/// holds the call's peer. Per-node queues were chosen over Service Bus sessions so that all three transports share
/// one rule (Storage Queues have no sessions); per-call order is kept by <see cref="CallSequenceGate"/>.
/// </summary>
public sealed partial class CommandQueueNames
{
    /// <summary>Suffix of the queue that holds messages moved aside after too many attempts.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Longest queue name Azure Storage accepts.</summary>
    public const int MaxQueueNameLength = 63;

    /// <summary>Creates the naming rule.</summary>
    public CommandQueueNames(string newCallsQueue, string nodeQueuePrefix)
    {
        if (!IsValidQueueName(newCallsQueue))
        {
            throw new ArgumentException($"'{newCallsQueue}' is not a valid queue name.", nameof(newCallsQueue));
        }

        if (!IsValidQueueName(nodeQueuePrefix + "x"))
        {
            throw new ArgumentException($"'{nodeQueuePrefix}' is not a valid queue name prefix.", nameof(nodeQueuePrefix));
        }

        NewCalls = newCallsQueue;
        NodeQueuePrefix = nodeQueuePrefix;
    }

    /// <summary>The shared queue for commands that start a call.</summary>
    public string NewCalls { get; }

    /// <summary>Prefix of a node's own queue.</summary>
    public string NodeQueuePrefix { get; }

    /// <summary>The queue of node <paramref name="nodeId"/>.</summary>
    /// <exception cref="CommandRoutingException">The node id would not make a valid queue name.</exception>
    public string ForNode(string nodeId)
    {
        var name = NodeQueuePrefix + nodeId;
        return IsValidQueueName(name)
            ? name
            : throw new CommandRoutingException($"Node id '{nodeId}' does not form a valid queue name.");
    }

    /// <summary>The queue a command goes to under the routing rule.</summary>
    /// <exception cref="CommandRoutingException">A follow-up command has no NodeId.</exception>
    public string For(MediaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.StartsCall)
        {
            return NewCalls;
        }

        return string.IsNullOrEmpty(command.NodeId)
            ? throw new CommandRoutingException($"{command.MessageType} for call {command.CallId} has no owning NodeId.")
            : ForNode(command.NodeId);
    }

    /// <summary>The poison queue next to <paramref name="queue"/>.</summary>
    public static string PoisonOf(string queue) => queue + PoisonSuffix;

    /// <summary>
    /// Azure Storage queue name rules (3-63 chars of a-z, 0-9, single hyphens, starting and ending alphanumeric),
    /// leaving room for the poison suffix. Service Bus accepts a superset, so one rule serves both.
    /// </summary>
    public static bool IsValidQueueName(string? name) =>
        name is not null
        && name.Length >= 3
        && name.Length + PoisonSuffix.Length <= MaxQueueNameLength
        && QueueNamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueNamePattern();
}
