using Serverless.Shared.Security;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// Builds the handler that delivers callbacks. Its connect step resolves the host itself, applies
/// <see cref="CallbackUrlPolicy"/> to the addresses and connects only to a vetted one, so the check and the
/// connection use the same resolution (no DNS rebinding window). Redirects are not followed: a 3xx could point
/// anywhere, and the receiver is expected to answer 2xx.
/// </summary>
public static class CallbackHttpHandler
{
    /// <summary>A new handler guarded by <paramref name="policy"/>.</summary>
    public static SocketsHttpHandler Create(CallbackUrlPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context, cancellationToken),
        };
    }

    private static async ValueTask<Stream> ConnectAsync(CallbackUrlPolicy policy, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (check, addresses) = await policy.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (!check.IsAllowed)
        {
            throw new CallbackUrlRefusedException(check);
        }

        return await VettedConnection.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
    }
}

/// <summary>A delivery was stopped because the receiver's address is not allowed (see <see cref="CallbackUrlPolicy"/>).</summary>
public sealed class CallbackUrlRefusedException(CallbackUrlCheck check) : Exception(check?.Detail)
{
    /// <summary>Why.</summary>
    public CallbackUrlCheck Check { get; } = check ?? throw new ArgumentNullException(nameof(check));
}
