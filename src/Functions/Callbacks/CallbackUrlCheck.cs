using System.Net;
using Serverless.Shared.Security;

namespace Serverless.Functions.Callbacks;

/// <summary>Why a callback URL is refused.</summary>
public enum CallbackUrlRefusal
{
    /// <summary>Not an absolute URL.</summary>
    NotAbsolute,

    /// <summary>Not <c>https</c>.</summary>
    NotHttps,

    /// <summary>Carries <c>user:password@</c>, which would leak into logs and proxies.</summary>
    HasUserInfo,

    /// <summary>The host name did not resolve.</summary>
    Unresolvable,

    /// <summary>The host is, or resolves to, an address class that is not allowed.</summary>
    ForbiddenAddress,
}

/// <summary>Result of <see cref="CallbackUrlPolicy"/>: allowed, or refused with a reason.</summary>
public sealed record CallbackUrlCheck
{
    private CallbackUrlCheck(bool allowed, CallbackUrlRefusal? refusal, string detail, IPAddress? address, AddressClass? addressClass)
    {
        IsAllowed = allowed;
        Refusal = refusal;
        Detail = detail;
        Address = address;
        AddressClass = addressClass;
    }

    /// <summary>True when the URL may be called.</summary>
    public bool IsAllowed { get; }

    /// <summary>Why not, when refused.</summary>
    public CallbackUrlRefusal? Refusal { get; }

    /// <summary>Human-readable explanation.</summary>
    public string Detail { get; }

    /// <summary>The offending address, for <see cref="CallbackUrlRefusal.ForbiddenAddress"/>.</summary>
    public IPAddress? Address { get; }

    /// <summary>The offending address's class.</summary>
    public AddressClass? AddressClass { get; }

    internal static CallbackUrlCheck Allowed { get; } = new(true, null, "Allowed.", null, null);

    internal static CallbackUrlCheck Refused(CallbackUrlRefusal refusal, string detail) => new(false, refusal, detail, null, null);

    internal static CallbackUrlCheck Forbidden(IPAddress address, AddressClass addressClass) =>
        // The detail goes back to the caller: it names the class, never the address, so a refusal does not tell an
        // outsider what an internal name resolves to. The address stays on the check for our own diagnostics.
        new(false, CallbackUrlRefusal.ForbiddenAddress, $"The callback host is, or resolves to, a {addressClass} address; callbacks may not reach it.", address, addressClass);
}
