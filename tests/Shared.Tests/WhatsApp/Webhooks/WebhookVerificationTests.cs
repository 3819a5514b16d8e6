using System.Net;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

/// <summary>Meta's GET handshake: mode "subscribe" and our token echo the challenge with 200, anything else is 403.</summary>
public sealed class WebhookVerificationTests
{
    private const string Token = "my-verify-token";

    [Fact]
    public void Right_mode_and_token_returns_the_challenge()
    {
        var result = WebhookVerification.Verify("subscribe", Token, "1158201444", Token);

        var accepted = Assert.IsType<VerificationAccepted>(result);
        Assert.Equal("1158201444", accepted.Challenge);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
    }

    [Theory]
    [InlineData("my-verify-tokeN")]
    [InlineData("my-verify-token ")]
    [InlineData("my-verify-toke")]
    [InlineData("my-verify-token-and-more")]
    public void Wrong_token_is_forbidden(string token)
    {
        var result = WebhookVerification.Verify("subscribe", token, "1158201444", Token);

        Assert.Equal(VerificationFailure.TokenMismatch, Assert.IsType<VerificationForbidden>(result).Reason);
        Assert.Equal(HttpStatusCode.Forbidden, result.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unsubscribe")]
    [InlineData("Subscribe")]
    public void Wrong_or_missing_mode_is_forbidden(string? mode)
    {
        var result = WebhookVerification.Verify(mode, Token, "1158201444", Token);

        Assert.Equal(VerificationFailure.WrongMode, Assert.IsType<VerificationForbidden>(result).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_token_is_forbidden(string? token)
    {
        var result = WebhookVerification.Verify("subscribe", token, "1158201444", Token);

        Assert.Equal(VerificationFailure.MissingToken, Assert.IsType<VerificationForbidden>(result).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("12 34")]
    public void Missing_or_unechoable_challenge_is_forbidden(string? challenge)
    {
        var result = WebhookVerification.Verify("subscribe", Token, challenge, Token);

        Assert.Equal(VerificationFailure.InvalidChallenge, Assert.IsType<VerificationForbidden>(result).Reason);
    }

    [Fact]
    public void Overlong_challenge_is_forbidden()
    {
        var challenge = new string('7', WebhookVerification.MaxChallengeLength + 1);

        var result = WebhookVerification.Verify("subscribe", Token, challenge, Token);

        Assert.IsType<VerificationForbidden>(result);
    }

    [Fact]
    public void Wrong_token_is_refused_before_the_challenge_is_looked_at()
    {
        var result = WebhookVerification.Verify("subscribe", "nope", null, Token);

        Assert.Equal(VerificationFailure.TokenMismatch, Assert.IsType<VerificationForbidden>(result).Reason);
    }

    [Fact]
    public void Empty_configured_token_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => WebhookVerification.Verify("subscribe", "", "1", ""));
    }
}
