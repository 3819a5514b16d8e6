using Microsoft.Extensions.Hosting;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode.Health;

/// <summary>
/// Ready = UDP port bound, the inbound path warmed up (<see cref="NodeWarmUp"/>), command receiver running and able to receive (its last round did not fail), storage
/// reachable, and not draining. Served through the ASP.NET Core health checks (<see cref="ReadinessHealthCheck"/>).
/// </summary>
public sealed class ReadinessCheck(
    PeerFactoryHost peers, NodeWarmUp warmUp, IEnumerable<IHostedService> hosted, HeartbeatService heartbeat, SessionRegistry sessions, ICommandReceiver receiver)
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

        if (!warmUp.Completed)
        {
            failing.Add("warm-up");
        }

        if (_receiver?.ExecuteTask is not { IsCompleted: false })
        {
            failing.Add("transport");
        }
        else if (!receiver.CanReceive)
        {
            failing.Add("transport-receive");
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
