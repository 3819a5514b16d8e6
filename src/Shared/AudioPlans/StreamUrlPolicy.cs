using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Shared.AudioPlans;

/// <summary>
/// Where a <see cref="StreamStep"/> may connect, applied by the API at dial time and again by the MediaNode before it
/// connects: <c>wss://</c> to a public host name or address. A loopback or private address literal (the node's own
/// services, its VNet) is refused, and so are user info and fragments. <see cref="StreamOptions.AllowLoopback"/>
/// (Development only, like the callbacks' rule) also allows <c>ws://</c> and <c>wss://</c> to a loopback host, for
/// local agents and tests.
/// </summary>
public sealed class StreamUrlPolicy(bool allowLoopback)
{
    /// <summary>The production rule: public <c>wss://</c> only.</summary>
    public static StreamUrlPolicy Secure { get; } = new(false);

    /// <summary>True when loopback agents (plain <c>ws://</c> included) are allowed.</summary>
    public bool AllowLoopback { get; } = allowLoopback;

    /// <summary>False with a reason when the node must not connect to <paramref name="url"/>.</summary>
    public bool TryAllow(Uri url, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(url);
        reason = null;
        if (!url.IsAbsoluteUri || (url.Scheme != "wss" && url.Scheme != "ws") || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            reason = "must be an absolute wss:// URL without user info or fragment";
            return false;
        }

        var loopback = url.IsLoopback;
        if (loopback)
        {
            if (AllowLoopback)
            {
                return true;
            }

            reason = "must not point at a loopback address (allowed only with Streams:AllowLoopback in Development)";
            return false;
        }

        if (url.Scheme != "wss")
        {
            reason = AllowLoopback ? "must use wss:// (plain ws:// only to a loopback host)" : "must use wss://";
            return false;
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.DnsSafeHost, out var address) && IsPrivate(address))
        {
            reason = "must not point at a private, link-local or unspecified address";
            return false;
        }

        return true;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0;
    }
}

/// <summary>Stream-step settings (section <c>Streams</c>, the same in the Functions app and the MediaNode).</summary>
public sealed class StreamOptions
{
    public const string SectionName = "Streams";

    /// <summary>Lets stream steps reach agents on loopback (plain <c>ws://</c> too); refused outside Development.</summary>
    public bool AllowLoopback { get; set; }
}

public static class StreamServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StreamOptions"/> (validated at start: <see cref="StreamOptions.AllowLoopback"/> only when
    /// <paramref name="development"/>) and registers the <see cref="StreamUrlPolicy"/>.
    /// </summary>
    public static IServiceCollection AddStreamUrls(this IServiceCollection services, IConfiguration configuration, bool development)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.SectionName))
            .Validate(o => !o.AllowLoopback || development, "Streams:AllowLoopback is for local development only; it is refused unless the environment is Development.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new StreamUrlPolicy(sp.GetRequiredService<IOptions<StreamOptions>>().Value.AllowLoopback));
        return services;
    }
}
