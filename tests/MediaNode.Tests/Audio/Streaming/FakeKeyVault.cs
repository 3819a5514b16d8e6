using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>
/// A Key Vault secrets endpoint on loopback over HTTPS (a self-signed certificate for 127.0.0.1, trusted by the client's
/// transport only), speaking what <see cref="SecretClient"/> needs: an unauthenticated request gets Key Vault's 401
/// bearer challenge (its resource is this host, so the client's challenge check passes), then <c>GET /secrets/{name}</c>
/// with a bearer token answers the secret, or Key Vault's 404 <c>SecretNotFound</c>. Records the tokens it was shown.
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly IReadOnlyDictionary<string, string> _secrets;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate, IReadOnlyDictionary<string, string> secrets)
    {
        _app = app;
        _certificate = certificate;
        _secrets = secrets;
    }

    public Uri VaultUri { get; private set; } = null!;

    /// <summary>The bearer tokens of the secret reads served (200 or 404), in order.</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    public static async Task<FakeKeyVault> StartAsync(IReadOnlyDictionary<string, string> secrets)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var vault = new FakeKeyVault(app, certificate, secrets);
        app.MapGet("/secrets/{name}", vault.ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        vault.VaultUri = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority).Replace("http://", "https://", StringComparison.Ordinal) + "/");
        return vault;
    }

    /// <summary>A client for this vault that trusts its certificate (and no other) and does not retry.</summary>
    public SecretClient Client(TokenCredential credential)
    {
        var thumbprint = _certificate.Thumbprint;
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint };
        // The client checks that the challenge's resource is a parent domain of the vault's host; an IP literal has none.
        var options = new SecretClientOptions { Transport = new HttpClientTransport(handler), DisableChallengeResourceVerification = true };
        options.Retry.MaxRetries = 0;
        return new SecretClient(VaultUri, credential, options);
    }

    private async Task ServeAsync(HttpContext context, string name)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"https://{context.Request.Host.Host}\"";
            return;
        }

        Reads.Enqueue(authorization["Bearer ".Length..]);
        if (!_secrets.TryGetValue(name, out var value))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } });
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            value,
            id = $"{VaultUri}secrets/{name}/0123456789abcdef0123456789abcdef",
            attributes = new { enabled = true },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}

/// <summary>A managed identity stand-in: hands out a fixed token per scope and records the scopes asked for.</summary>
internal sealed class FakeIdentity(string token) : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>Keeps every log line, formatted, with its structured values, so a test can check that no secret is in any.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        Lines.Enqueue($"{logLevel} {formatter(state, exception)} [{values}] {exception}");
    }
}
