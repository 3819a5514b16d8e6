using Serverless.WebRtc.Peer;

namespace Serverless.Benchmarks;

/// <summary>What the call load drivers (<see cref="PeerLoad"/>, <see cref="BridgeLoad"/>) measure and wait on.</summary>
internal static class LoadProbes
{
    /// <summary>The managed heap after two compacting collections: what the live calls hold.</summary>
    public static long ManagedHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Completes when <paramref name="peer"/> reports Connected.</summary>
    public static Task Connected(AudioPeer peer)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.StateChanged += (_, s) =>
        {
            if (s == PeerConnectionState.Connected)
            {
                done.TrySetResult();
            }
        };
        return done.Task;
    }
}
