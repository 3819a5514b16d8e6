using Microsoft.Extensions.Hosting;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode.Health;

/// <summary>Ready = UDP port bound, command receiver running, storage reachable, and not draining.</summary>
public sealed class ReadinessCheck(PeerFactoryHost peers, IEnumerable<IHostedService> hosted, HeartbeatService heartbeat, SessionRegistry sessions)
{
    private readonly CommandReceiverHostedService? _receiver = hosted.OfType<CommandReceiverHostedService>().FirstOrDefault();

    /// <summary>The failing conditions, empty when ready.</summary>
    public IReadOnlyList<string> Check()
    {
        var failing = new List<string>();
        if (!peers.IsBound)
        {
            failing.Add("udp-port");
        }

        if (_receiver?.ExecuteTask is not { IsCompleted: false })
        {
            failing.Add("transport");
        }

        if (!heartbeat.StorageReachable)
        {
            failing.Add("storage");
        }

        if (sessions.IsDraining)
        {
            failing.Add("draining");
        }

        return failing;
    }
}
