using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Net;

/// <summary>
/// Gathers the node's candidates once for its one port: every call on the node shares the same
/// candidates (same port, same public mapping), so nothing is gathered per call and offers are instant.
/// </summary>
internal static class CandidateGatherer
{
    private const int PublicPreference = 65535;
    private const int IPv4Preference = 65000;
    private const int IPv6Preference = 60000;
    private const int LoopbackPenalty = 10000;

    /// <summary>Host candidates (configured public addresses first, then interfaces) plus a server-reflexive one when a STUN server answers.</summary>
    public static async Task<IReadOnlyList<IceCandidate>> GatherAsync(UdpMux mux, CandidateGatheringOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mux);
        ArgumentNullException.ThrowIfNull(options);
        var candidates = HostCandidates(mux.Port, options, mux.LocalEndPoint.Address);
        if (options.StunServer is { } server)
        {
            var mapped = await QueryMappedAddressAsync(mux, server, options.StunTimeout, cancellationToken);
            if (mapped is not null && !candidates.Any(c => c.EndPoint.Equals(mapped)))
            {
                var basePoint = candidates.FirstOrDefault(c => c.EndPoint.AddressFamily == mapped.AddressFamily)?.EndPoint ?? mux.LocalEndPoint;
                candidates.Add(new IceCandidate(
                    IceCandidate.FoundationOf(IceCandidateType.ServerReflexive, basePoint.Address),
                    1,
                    IceTransportProtocol.Udp,
                    IcePriority.Candidate(IceCandidateType.ServerReflexive, PublicPreference),
                    mapped,
                    IceCandidateType.ServerReflexive,
                    basePoint));
            }
        }

        return candidates;
    }

    /// <summary>Host candidates for <paramref name="port"/>, highest priority first.</summary>
    public static List<IceCandidate> HostCandidates(int port, CandidateGatheringOptions options, IPAddress? boundAddress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<IceCandidate>();
        foreach (var address in options.PublicAddresses)
        {
            list.Add(IceCandidate.Host(new IPEndPoint(address, port), PublicPreference - list.Count));
        }

        if (options.IncludeInterfaces)
        {
            foreach (var address in InterfaceAddresses(options, boundAddress))
            {
                var preference = (address.AddressFamily == AddressFamily.InterNetwork ? IPv4Preference : IPv6Preference)
                    - (IPAddress.IsLoopback(address) ? LoopbackPenalty : 0) - list.Count;
                if (!list.Any(c => c.EndPoint.Address.Equals(address)))
                {
                    list.Add(IceCandidate.Host(new IPEndPoint(address, port), preference));
                }
            }
        }

        return [.. list.OrderByDescending(c => c.Priority)];
    }

    private static IEnumerable<IPAddress> InterfaceAddresses(CandidateGatheringOptions options, IPAddress? boundAddress)
    {
        // A socket bound to one address can only be reached there.
        if (boundAddress is not null && !boundAddress.Equals(IPAddress.Any) && !boundAddress.Equals(IPAddress.IPv6Any))
        {
            yield return boundAddress;
            yield break;
        }

        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up
                || (options.InterfaceNames.Count > 0 && !options.InterfaceNames.Contains(nic.Name)))
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                var usable = address.AddressFamily switch
                {
                    AddressFamily.InterNetwork => true,
                    AddressFamily.InterNetworkV6 => options.IncludeIPv6 && !address.IsIPv6LinkLocal && !address.IsIPv6SiteLocal,
                    _ => false,
                };
                if (usable && (options.IncludeLoopback || !IPAddress.IsLoopback(address))
                    && (boundAddress is null || boundAddress.AddressFamily == AddressFamily.InterNetworkV6 || address.AddressFamily == AddressFamily.InterNetwork))
                {
                    yield return address;
                }
            }
        }
    }

    /// <summary>Sends a Binding request to the STUN server through the shared port and returns the mapped address, or null on timeout.</summary>
    public static async Task<IPEndPoint?> QueryMappedAddressAsync(UdpMux mux, IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mux);
        var reply = new MappedAddressHandler();
        using var connection = mux.Register("gather-" + Guid.NewGuid().ToString("N"), reply);
        var id = StunTransactionId.NewRandom();
        var request = new byte[StunMessage.HeaderLength + 8]; // header + FINGERPRINT
        var writer = new StunMessageWriter(request, StunMessageType.BindingRequest, id);
        if (!writer.TryFinish(out _))
        {
            throw new InvalidOperationException("A STUN binding request did not fit its buffer.");
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        // RFC 8489 §6.2.1: retransmit at 500 ms, 1 s, 2 s... until the deadline.
        var rto = TimeSpan.FromMilliseconds(500);
        while (!timer.IsCancellationRequested)
        {
            connection.SendRequest(id, request, server);
            try
            {
                return await reply.Result.WaitAsync(rto, timer.Token);
            }
            catch (TimeoutException)
            {
                rto *= 2;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        return null;
    }

    private sealed class MappedAddressHandler : IUdpMuxHandler
    {
        private readonly TaskCompletionSource<IPEndPoint?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<IPEndPoint?> Result => _result.Task;

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from)
        {
            if (StunMessage.TryParse(datagram, out var message)
                && message.MessageType == StunMessageType.BindingSuccessResponse
                && (message.TryGetXorMappedAddress(out var address) || message.TryGetMappedAddress(out address)))
            {
                var endPoint = address.ToEndPoint();
                _result.TrySetResult(endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint);
            }
        }

        public void OnMedia(ReadOnlySpan<byte> datagram, PacketKind kind, SocketAddress from)
        {
        }
    }
}
