using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Shared.Security;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// The SSRF guard for callback URLs: only absolute <c>https</c> URLs without user info, and only hosts whose every
/// address is public, unless <see cref="CallbackOptions.AllowLoopback"/> / <see cref="CallbackOptions.AllowPrivateNetworks"/>
/// say otherwise. Run <see cref="ValidateAsync"/> at dial time; delivery re-checks the address it actually connects to
/// (<see cref="CallbackHttpHandler"/>), so a name that later resolves elsewhere (DNS rebinding) is still refused.
/// </summary>
public sealed class CallbackUrlPolicy
{
    private readonly bool _allowLoopback;
    private readonly bool _allowPrivate;
    private readonly bool _allowLoopbackHttp;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>
    /// Creates the policy; <paramref name="resolve"/> replaces DNS (tests). With <paramref name="development"/> (the
    /// Functions run in the Development environment) <see cref="CallbackOptions.AllowLoopback"/> also lets plain
    /// <c>http</c> reach a loopback IP literal (a local receiver); nowhere else is http allowed.
    /// </summary>
    public CallbackUrlPolicy(
        IOptions<CallbackOptions> options, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, bool development = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowLoopback = options.Value.AllowLoopback;
        _allowPrivate = options.Value.AllowPrivateNetworks;
        _allowLoopbackHttp = options.Value.AllowLoopback && development;
        _resolve = resolve ?? VettedConnection.ResolveWithDnsAsync;
    }

    /// <summary>Checks the URL's form and, when the host is an IP literal, its address; names are not resolved.</summary>
    public CallbackUrlCheck Validate(string url)
    {
        // On Unix "/path" parses as an implicit file URI; for us it is a relative URL.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.IsFile && !url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            return CallbackUrlCheck.Refused(CallbackUrlRefusal.NotAbsolute, "The callback URL must be absolute.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !IsLoopbackHttp(uri))
        {
            return CallbackUrlCheck.Refused(CallbackUrlRefusal.NotHttps, "The callback URL must use https.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return CallbackUrlCheck.Refused(CallbackUrlRefusal.HasUserInfo, "The callback URL must not carry credentials.");
        }

        return uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? CheckAddress(IPAddress.Parse(uri.IdnHost))
            : CallbackUrlCheck.Allowed;
    }

    /// <summary><see cref="Validate"/>, then resolves the host: every address it resolves to must be allowed.</summary>
    public async Task<CallbackUrlCheck> ValidateAsync(string url, CancellationToken cancellationToken = default)
    {
        var form = Validate(url);
        if (!form.IsAllowed)
        {
            return form;
        }

        var uri = new Uri(url, UriKind.Absolute);
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return form;
        }

        var (check, _) = await ResolveAsync(uri.IdnHost, cancellationToken);
        return check;
    }

    /// <summary>http to 127.0.0.0/8 or ::1 written as an IP literal, when development allows it.</summary>
    private bool IsLoopbackHttp(Uri uri) =>
        _allowLoopbackHttp
        && uri.Scheme == Uri.UriSchemeHttp
        && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && AddressClassifier.Classify(IPAddress.Parse(uri.IdnHost)) == AddressClass.Loopback;

    /// <summary>The class-based rule for one address.</summary>
    public CallbackUrlCheck CheckAddress(IPAddress address)
    {
        var addressClass = AddressClassifier.Classify(address);
        var allowed = addressClass switch
        {
            AddressClass.Public => true,
            AddressClass.Loopback => _allowLoopback,
            AddressClass.Private or AddressClass.CarrierGradeNat or AddressClass.UniqueLocal => _allowPrivate,
            _ => false,
        };
        return allowed ? CallbackUrlCheck.Allowed : CallbackUrlCheck.Forbidden(address, addressClass);
    }

    /// <summary>Resolves <paramref name="host"/> and checks every address; returns them when all are allowed.</summary>
    internal async Task<(CallbackUrlCheck Check, IPAddress[] Addresses)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var vetted = await VettedConnection.ResolveAsync(host, address => CheckAddress(address).IsAllowed, _resolve, cancellationToken);
        return vetted switch
        {
            { Unresolvable: { } why } => (CallbackUrlCheck.Refused(CallbackUrlRefusal.Unresolvable, why), []),
            { Refused: { } refused } => (CheckAddress(refused), []),
            _ => (CallbackUrlCheck.Allowed, vetted.Addresses),
        };
    }
}
