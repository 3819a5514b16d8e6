using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Callbacks;
using Serverless.Shared.Security;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>A delivery as the receiver saw it, with its own signature verdict.</summary>
internal sealed record ReceivedCallback(string? EventId, string? Timestamp, string? Signature, byte[] Body, SignatureCheck Verdict);

/// <summary>
/// A callback receiver on https://127.0.0.1 (real Kestrel, self-signed certificate). It verifies each delivery with
/// its own copy of the secret, as a customer would, and answers 401 on a bad signature, else <see cref="Status"/>.
/// </summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();

    private readonly TaskCompletionSource<ReceivedCallback> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CallbackReceiver(WebApplication app, int port, bool https)
    {
        _app = app;
        Url = $"{(https ? "https" : "http")}://127.0.0.1:{port}/hooks/calls";
    }

    public string Url { get; }

    /// <summary>Completes when the first delivery has arrived (before it is answered).</summary>
    public Task<ReceivedCallback> FirstReceived => _first.Task;

    /// <summary>Awaited after a delivery is recorded and before it is answered: lets a test hold the receiver slow.</summary>
    public Func<CancellationToken, Task>? BeforeAnswer { get; set; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public IReadOnlyList<ReceivedCallback> Received => [.. _received];

    /// <summary>Self-signed certificate for 127.0.0.1, shared by all receivers of a test run.</summary>
    public static X509Certificate2 Certificate { get; } = CreateCertificate();

    /// <summary>A free loopback port with nothing listening on it (yet).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static async Task<CallbackReceiver> StartAsync(string secret, Func<DateTimeOffset> now, int port, bool https = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (https)
            {
                listen.UseHttps(Certificate);
            }
        }));
        var app = builder.Build();
        var receiver = new CallbackReceiver(app, port, https);
        var verifier = new HmacSha256Signature(secret);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            var timestamp = context.Request.Headers[CallbackSignature.TimestampHeader].ToString();
            var signature = context.Request.Headers[CallbackSignature.SignatureHeader].ToString();
            var verdict = CallbackSignature.Verify(verifier, timestamp, signature, body, now(), TimeSpan.FromMinutes(5));
            var received = new ReceivedCallback(
                context.Request.Headers[CallbackSignature.EventIdHeader].ToString(), timestamp, signature, body, verdict);
            receiver._received.Enqueue(received);
            receiver._first.TrySetResult(received);
            if (receiver.BeforeAnswer is { } hold)
            {
                await hold(context.RequestAborted);
            }

            context.Response.StatusCode = verdict == SignatureCheck.Valid ? (int)receiver.Status : StatusCodes.Status401Unauthorized;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Certificate check for the delivering client: exactly our self-signed certificate.</summary>
    public static bool IsOurCertificate(X509Certificate? certificate) =>
        certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString();

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
