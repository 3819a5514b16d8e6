using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Shared.Tests.Media;

public class MediaEventSignerTests
{
    private static readonly byte[] Body = MediaMessageSerializer.Serialize(
        new MediaConnected { CallId = "call-1", NodeId = "node-a", CreatedAt = MediaMessageSamples.At, MessageId = "e1" });

    private readonly FakeTimeProvider _time = new(MediaMessageSamples.At);

    private MediaEventSigner Signer(string secret = "media-secret") =>
        new(new HmacSha256Signature(secret), _time, TimeSpan.FromMinutes(5));

    [Fact]
    public void Valid_signature_and_fresh_timestamp_verify()
    {
        var headers = Signer().Sign(Body);

        Assert.StartsWith(HmacSha256Signature.Prefix, headers.Signature);
        Assert.Equal(MediaMessageSamples.At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), headers.Timestamp);
        Assert.Equal(MediaEventCheck.Valid, Signer().Verify(Body, headers.Signature, headers.Timestamp));
    }

    [Fact]
    public void Signature_is_the_shared_HMAC_over_timestamp_dot_body()
    {
        var headers = Signer().Sign(Body);
        var signed = System.Text.Encoding.ASCII.GetBytes(headers.Timestamp + ".").Concat(Body).ToArray();

        Assert.Equal(SignatureCheck.Valid, new HmacSha256Signature("media-secret").Verify(signed, headers.Signature));
    }

    [Fact]
    public void Tampered_body_is_a_mismatch()
    {
        var headers = Signer().Sign(Body);
        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 0x01;

        Assert.Equal(MediaEventCheck.Mismatch, Signer().Verify(tampered, headers.Signature, headers.Timestamp));
    }

    [Fact]
    public void Moving_the_timestamp_to_refresh_a_replay_is_a_mismatch()
    {
        var headers = Signer().Sign(Body);
        _time.Advance(TimeSpan.FromMinutes(10));
        var refreshed = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(MediaEventCheck.Mismatch, Signer().Verify(Body, headers.Signature, refreshed));
    }

    [Fact]
    public void Wrong_secret_is_a_mismatch()
    {
        var headers = Signer("other-secret").Sign(Body);

        Assert.Equal(MediaEventCheck.Mismatch, Signer().Verify(Body, headers.Signature, headers.Timestamp));
    }

    [Fact]
    public void Event_older_than_the_window_is_stale_and_one_just_inside_is_valid()
    {
        var headers = Signer().Sign(Body);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(MediaEventCheck.Valid, Signer().Verify(Body, headers.Signature, headers.Timestamp));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MediaEventCheck.Stale, Signer().Verify(Body, headers.Signature, headers.Timestamp));
    }

    [Fact]
    public void Event_dated_beyond_clock_skew_is_from_the_future()
    {
        var senderClock = new FakeTimeProvider(MediaMessageSamples.At + MediaEventSigner.FutureSkew + TimeSpan.FromSeconds(1));
        var headers = new MediaEventSigner(new HmacSha256Signature("media-secret"), senderClock).Sign(Body);

        Assert.Equal(MediaEventCheck.FromFuture, Signer().Verify(Body, headers.Signature, headers.Timestamp));
    }

    [Theory]
    [InlineData(null, "1764122400", MediaEventCheck.MissingSignature)]
    [InlineData("", "1764122400", MediaEventCheck.MissingSignature)]
    [InlineData("sha256=00", null, MediaEventCheck.MissingTimestamp)]
    [InlineData("sha256=00", "", MediaEventCheck.MissingTimestamp)]
    [InlineData("sha256=00", "-5", MediaEventCheck.Malformed)]
    [InlineData("sha256=00", "12.5", MediaEventCheck.Malformed)]
    [InlineData("sha256=00", "99999999999999999999999", MediaEventCheck.Malformed)]
    [InlineData("sha256=nothex", "1764122400", MediaEventCheck.Malformed)]
    [InlineData("md5=abc", "1764122400", MediaEventCheck.Malformed)]
    public void Missing_or_malformed_headers_are_refused(string? signature, string? timestamp, MediaEventCheck expected)
    {
        Assert.Equal(expected, Signer().Verify(Body, signature, timestamp));
    }
}
