using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Callbacks;
using Serverless.Shared.Security;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// A business's status-callback endpoint on https://127.0.0.1 (real Kestrel, self-signed certificate). It checks each
/// delivery's signature with its own copy of the secret, as a customer would, and keeps what arrived.
/// </summary>
internal sealed class SignedCallbackReceiver : IAsyncDisposable
{
    /// <summary>The callback signing secret the product under test is configured with.</summary>
    public const string Secret = "e2e-callback-signing-secret-0123456789abcdef";

    private static readonly X509Certificate2 Certificate = CreateCertificate();
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(JsonElement Body, SignatureCheck Verdict)> _received = new();

    private SignedCallbackReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"https://127.0.0.1:{port}/hooks/calls";
    }

    public string Url { get; }

    /// <summary>Every delivery with its signature verdict, in arrival order.</summary>
    public IReadOnlyList<(JsonElement Body, SignatureCheck Verdict)> Received => [.. _received];

    /// <summary>The deliveries of <paramref name="type"/> for <paramref name="callId"/>.</summary>
    public IReadOnlyList<(JsonElement Body, SignatureCheck Verdict)> Of(string callId, string type) =>
        [.. Received.Where(r => r.Body.GetProperty("callId").GetString() == callId && r.Body.GetProperty("type").GetString() == type)];

    public static async Task<SignedCallbackReceiver> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(Certificate)));
        var app = builder.Build();
        var receiver = new SignedCallbackReceiver(app, port);
        var verifier = new HmacSha256Signature(Secret);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            var verdict = CallbackSignature.Verify(
                verifier,
                context.Request.Headers[CallbackSignature.TimestampHeader].ToString(),
                context.Request.Headers[CallbackSignature.SignatureHeader].ToString(),
                body,
                DateTimeOffset.UtcNow,
                TimeSpan.FromMinutes(5));
            using var json = JsonDocument.Parse(body);
            receiver._received.Enqueue((json.RootElement.Clone(), verdict));
            context.Response.StatusCode = verdict == SignatureCheck.Valid ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The product's callback client, unchanged except that it trusts exactly this receiver's certificate.</summary>
    public static void Trust(IServiceCollection services) =>
        services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString();
            return handler;
        });

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
