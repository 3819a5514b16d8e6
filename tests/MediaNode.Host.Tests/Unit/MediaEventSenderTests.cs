using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.MediaNode.Events;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class MediaEventSenderTests
{
    [Theory]
    [InlineData(HttpStatusCode.OK, EventDelivery.Delivered)]
    [InlineData(HttpStatusCode.Accepted, EventDelivery.Delivered)]
    [InlineData(HttpStatusCode.ServiceUnavailable, EventDelivery.RetryLater)]
    [InlineData(HttpStatusCode.InternalServerError, EventDelivery.RetryLater)]
    [InlineData(HttpStatusCode.TooManyRequests, EventDelivery.RetryLater)]
    [InlineData(HttpStatusCode.RequestTimeout, EventDelivery.RetryLater)]
    [InlineData(HttpStatusCode.Unauthorized, EventDelivery.RetryLater)]
    [InlineData(HttpStatusCode.BadRequest, EventDelivery.Rejected)]
    [InlineData(HttpStatusCode.NotFound, EventDelivery.Rejected)]
    public async Task StatusCodes_AreClassifiedForRetry(HttpStatusCode status, EventDelivery expected)
    {
        using var http = new HttpClient(new FixedResponse(status));
        var sender = Sender(http, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));

        Assert.Equal(expected, await sender.SendAsync(Event(), CancellationToken.None));
    }

    [Fact]
    public async Task TheBodyIsSignedOverTimestampAndBytes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var handler = new FixedResponse(HttpStatusCode.OK);
        using var http = new HttpClient(handler);

        await Sender(http, time).SendAsync(Event(), CancellationToken.None);

        var verifier = new MediaEventSigner(new HmacSha256Signature("k"), time);
        Assert.Equal(MediaEventCheck.Valid, verifier.Verify(handler.Body, handler.Signature, handler.Timestamp));
        Assert.Equal(MediaEventCheck.Mismatch, verifier.Verify([.. handler.Body, (byte)' '], handler.Signature, handler.Timestamp));
        Assert.Equal("mn0", handler.Node);
    }

    [Fact]
    public async Task AnUnreachableEndpoint_IsRetryLater()
    {
        using var http = new HttpClient(new Unreachable());
        Assert.Equal(EventDelivery.RetryLater, await Sender(http, TimeProvider.System).SendAsync(Event(), CancellationToken.None));
    }

    private static MediaEventSender Sender(HttpClient http, TimeProvider time) => new(
        http,
        new Uri("http://127.0.0.1:1/api/media/events"),
        new MediaEventSigner(new HmacSha256Signature("k"), time),
        NullLogger<MediaEventSender>.Instance);

    private static MediaConnected Event() => new() { CallId = "c1", NodeId = "mn0", CreatedAt = DateTimeOffset.UnixEpoch };

    private sealed class FixedResponse(HttpStatusCode status) : HttpMessageHandler
    {
        public byte[] Body { get; private set; } = [];

        public string? Signature { get; private set; }

        public string? Timestamp { get; private set; }

        public string? Node { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Signature = request.Headers.GetValues(MediaEventSigner.SignatureHeaderName).Single();
            Timestamp = request.Headers.GetValues(MediaEventSigner.TimestampHeaderName).Single();
            Node = request.Headers.GetValues(MediaEventSigner.NodeHeaderName).Single();
            return new HttpResponseMessage(status);
        }
    }

    private sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused");
    }
}
