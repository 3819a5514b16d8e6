using System.Net;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Api;

public sealed class WebhookVerificationTests
{
    [Fact]
    public async Task Meta_handshake_with_our_token_echoes_the_challenge_without_a_function_key()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var response = await app.Anonymous.GetAsync(new Uri(
            $"api/webhook?hub.mode=subscribe&hub.verify_token={CallingApp.VerifyToken}&hub.challenge=1158201444", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")]
    [InlineData("hub.mode=unsubscribe&hub.verify_token=verify-token-1&hub.challenge=1")]
    [InlineData("hub.mode=subscribe&hub.challenge=1")]
    public async Task Handshake_with_a_wrong_token_or_mode_is_403(string query)
    {
        await using var app = await CallingApp.StartAsync(runNode: false);

        using var response = await app.Anonymous.GetAsync(new Uri("api/webhook?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }
}
