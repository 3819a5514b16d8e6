using System.Net;

namespace Serverless.WebRtc.Net;

/// <summary>Where the one media port listens.</summary>
public sealed class UdpMuxOptions
{
    /// <summary>
    /// Local address to bind. <see cref="IPAddress.IPv6Any"/> (the default) takes IPv4 and IPv6 on one
    /// dual-mode socket; an IPv4 address binds IPv4 only.
    /// </summary>
    public IPAddress BindAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>UDP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; }

    /// <summary>Kernel receive buffer; large so bursts from many calls are not dropped.</summary>
    public int ReceiveBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a sent STUN request's transaction stays routable to its sender.</summary>
    public TimeSpan TransactionLifetime { get; init; } = TimeSpan.FromSeconds(45);
}
