using System.Net;
using System.Net.Sockets;

namespace Serverless.Shared.Security;

/// <summary>
/// The SSRF guard's connect step, shared by callbacks (Functions) and agent streams (MediaNode): resolve the host
/// once, require every address to pass the caller's rule, and connect only to those addresses, so the check and the
/// connection use the same resolution (no DNS-rebinding window).
/// </summary>
public static class VettedConnection
{
    /// <summary>DNS, the default resolver.</summary>
    public static Task<IPAddress[]> ResolveWithDnsAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>
    /// Resolves <paramref name="host"/> (an IP literal stands for itself) and checks every address with
    /// <paramref name="allowed"/>. All, not any: a name with one public and one private address would let an attacker
    /// pick the private one.
    /// </summary>
    public static async Task<VettedAddresses> ResolveAsync(
        string host, Func<IPAddress, bool> allowed, Func<string, CancellationToken, Task<IPAddress[]>>? resolve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(allowed);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return allowed(literal) ? new VettedAddresses([literal], null, null) : new VettedAddresses([], literal, null);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await (resolve ?? ResolveWithDnsAsync)(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            return new VettedAddresses([], null, $"'{host}' did not resolve ({ex.SocketErrorCode}).");
        }

        if (addresses.Length == 0)
        {
            return new VettedAddresses([], null, $"'{host}' resolved to no address.");
        }

        foreach (var address in addresses)
        {
            if (!allowed(address))
            {
                return new VettedAddresses([], address, null);
            }
        }

        return new VettedAddresses(addresses, null, null);
    }

    /// <summary>A TCP stream to the first of <paramref name="addresses"/> that answers on <paramref name="port"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}

/// <summary>
/// What <see cref="VettedConnection.ResolveAsync"/> found: the addresses to connect to, or the first refused address,
/// or why the name did not resolve.
/// </summary>
public sealed record VettedAddresses(IPAddress[] Addresses, IPAddress? Refused, string? Unresolvable)
{
    /// <summary>True when every address passed and there is at least one.</summary>
    public bool IsAllowed => Refused is null && Unresolvable is null;
}
