using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Shared.Security;

namespace Serverless.Shared.AudioPlans;

/// <summary>
/// Where a <see cref="StreamStep"/> may connect, applied by the API at dial time and again by the MediaNode before it
/// connects: <c>wss://</c> to a public host name or address. A loopback or private address literal (the node's own
/// services, its VNet) is refused, and so are user info and fragments. Host names are checked where they are
/// connected: the node's connection (<see cref="CreateHandler"/>) resolves the name once and connects only if every
/// address is public, so a name pointing into the VNet (or re-pointed there later) is refused too.
/// <see cref="StreamOptions.AllowLoopback"/> (Development only, like the callbacks' rule) also allows <c>ws://</c>
/// and <c>wss://</c> to a loopback host, for local agents and tests.
/// </summary>
public sealed class StreamUrlPolicy(bool allowLoopback, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    /// <summary>The production rule: public <c>wss://</c> only.</summary>
    public static StreamUrlPolicy Secure { get; } = new(false);

    /// <summary>True when loopback agents (plain <c>ws://</c> included) are allowed.</summary>
    public bool AllowLoopback { get; } = allowLoopback;

    /// <summary>True when the node may connect to <paramref name="address"/>: public, or loopback when allowed.</summary>
    public bool Allows(IPAddress address) => AddressClassifier.Classify(address) switch
    {
        AddressClass.Public => true,
        AddressClass.Loopback => AllowLoopback,
        _ => false,
    };

    /// <summary>
    /// The HTTP handler for the node's WebSocket to an agent: its connect step resolves the host, refuses it unless
    /// every address is allowed (<see cref="Allows"/>), and connects to those addresses only (no DNS-rebinding window).
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var vetted = await VettedConnection.ResolveAsync(context.DnsEndPoint.Host, Allows, resolve, cancellationToken);
            if (!vetted.IsAllowed)
            {
                throw new StreamUrlRefusedException(vetted.Unresolvable
                    ?? $"the agent's host resolves to a {AddressClassifier.Classify(vetted.Refused!)} address, which streams may not reach");
            }

            return await VettedConnection.ConnectAsync(vetted.Addresses, context.DnsEndPoint.Port, cancellationToken);
        },
    };

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

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.DnsSafeHost, out var address) && !Allows(address))
        {
            reason = "must point at a public address (not private, link-local, reserved or unspecified)";
            return false;
        }

        return true;
    }
}

/// <summary>The node refused to connect a stream: its host is not an allowed address (<see cref="StreamUrlPolicy"/>).</summary>
public sealed class StreamUrlRefusedException(string message) : IOException(message);

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
