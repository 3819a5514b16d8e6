using System.Net;
using Serverless.Shared.Media;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>Timeouts, commands and a Meta-like ICE-lite "phone" on loopback.</summary>
internal static class TestKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Azurite's well-known development storage (tests run it on 127.0.0.1 in their own network namespace).</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static string NewCallId() => "call-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The phone side: ICE-lite like Meta's media servers, bound to 127.0.0.1.</summary>
    public static Task<PeerFactory> PhoneFactoryAsync() => PeerFactory.CreateAsync(new PeerFactoryOptions
    {
        Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
        Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
        Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = true } },
    });

    public static Task StateAsync(AudioPeer peer, PeerConnectionState wanted)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.StateChanged += (_, state) =>
        {
            if (state == wanted)
            {
                reached.TrySetResult();
            }
        };
        if (peer.State == wanted)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }

    /// <summary>The prompts container of the development storage account, as the node is configured.</summary>
    public const string PromptsContainer = "http://127.0.0.1:10000/devstoreaccount1/prompts";

    public static StartOutbound Outbound(string callId) => new()
    {
        CallId = callId,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    public static StartInbound Inbound(string callId, string offer) => new()
    {
        CallId = callId,
        CreatedAt = DateTimeOffset.UtcNow,
        OfferSdp = offer,
    };

    public static ApplyAnswer Answer(string callId, string nodeId, string sdp, long sequence = 1) => new()
    {
        CallId = callId,
        NodeId = nodeId,
        CreatedAt = DateTimeOffset.UtcNow,
        Sdp = sdp,
        Sequence = sequence,
    };

    public static Hangup HangupOf(string callId, string nodeId, long sequence) => new()
    {
        CallId = callId,
        NodeId = nodeId,
        CreatedAt = DateTimeOffset.UtcNow,
        Reason = HangupReason.Business,
        Sequence = sequence,
    };
}

/// <summary>Counts RTP audio packets a peer receives; completes when a number was reached.</summary>
internal sealed class PacketCounter
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _target;
    private int _count;

    public PacketCounter(AudioPeer peer, int target)
    {
        _target = target;
        peer.Receiver!.OpusPacketReceived += (_, _, _) =>
        {
            if (Interlocked.Increment(ref _count) >= _target)
            {
                _reached.TrySetResult();
            }
        };
    }

    public int Count => Volatile.Read(ref _count);

    public Task Reached => _reached.Task;
}
