using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio.Streaming;

/// <summary>
/// The node's own keys for stream steps, so plans carry none: its Entra ID token for Azure OpenAI (a token credential
/// test double stands for the managed identity) and a secret read from Key Vault (a local fake HTTPS vault, read by the
/// real <c>SecretClient</c>), each reaching the fake realtime endpoint's handshake and never a log line.
/// </summary>
public sealed class StreamCredentialsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly StreamUrlPolicy Loopback = new(allowLoopback: true);

    private static Task NoPlayer(IAudioSource source, CancellationToken token) => Task.Delay(Timeout.Infinite, token);

    // Through the plan parser, as the API and the node read it.
    private static StreamStep Parse(Uri url, string members)
    {
        var json = JsonDocument.Parse($$"""{"steps":[{"stream":{"url":"{{url}}","dialect":"openai-realtime","instructions":"Be brief." """ + members + "}}]}").RootElement;
        Assert.True(AudioPlan.TryParse(json, null, Loopback, out var plan, out var error), error?.ToString());
        return Assert.IsType<StreamStep>(Assert.Single(plan.Steps));
    }

    [Fact]
    public async Task Entra_auth_sends_the_node_identity_token_for_cognitive_services_and_never_logs_it()
    {
        var token = "entra-" + Guid.NewGuid().ToString("N");
        var identity = new FakeIdentity(token);
        var credentials = new StreamCredentials(identity, null, TimeSpan.FromMinutes(5), TimeProvider.System);
        var log = new RecordingLogger();
        await using var endpoint = TestAgentServer.Start();
        var step = Parse(endpoint.Url, ""","auth":"entra" """);
        Assert.Equal((StreamAuth.Entra, null), (step.Auth, step.Token));

        using var stream = new AgentStream("call-entra", step, Codecs.Shared, Loopback, TimeProvider.System, log, credentials);
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);
        Assert.Equal("session.update", (await endpoint.NextJsonAsync()).GetProperty("type").GetString());
        Assert.Equal("Bearer " + token, endpoint.RequestHeaders!["Authorization"]);
        Assert.Equal([StreamCredentials.CognitiveServicesScope], identity.Scopes);

        await endpoint.CloseAsync();
        Assert.Equal(StreamOutcome.AgentClosed, (await run.WaitAsync(Wait)).Outcome);
        Assert.Contains(log.Lines, l => l.Contains("stream connected", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, step.ToString(), StringComparison.Ordinal);

        // The token is reused until five minutes before it expires: the next call asks the identity nothing.
        Assert.Equal("Bearer " + token, (await credentials.GetHeaderAsync(step, CancellationToken.None))!.Value.Value);
        Assert.Single(identity.Scopes);
    }

    [Theory]
    [InlineData(null, "Authorization", "Bearer ")]
    [InlineData("api-key", "api-key", "")]
    public async Task A_key_vault_secret_is_read_with_the_node_identity_and_sent_in_the_chosen_header_and_never_logged(string? keyHeader, string header, string prefix)
    {
        var secret = "sk-vault-" + Guid.NewGuid().ToString("N");
        await using var vault = await FakeKeyVault.StartAsync(new Dictionary<string, string> { ["openai-key"] = secret });
        var identity = new FakeIdentity("vault-token");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var credentials = new StreamCredentials(identity, vault.Client(identity), TimeSpan.FromMinutes(5), time);
        var log = new RecordingLogger();
        await using var endpoint = TestAgentServer.Start();
        var step = Parse(endpoint.Url, $$""","keyVaultSecret":"openai-key"{{(keyHeader is null ? "" : $",\"keyHeader\":\"{keyHeader}\"")}}""");

        using var stream = new AgentStream("call-vault", step, Codecs.Shared, Loopback, TimeProvider.System, log, credentials);
        var run = stream.RunAsync(NoPlayer, CancellationToken.None);
        Assert.Equal("session.update", (await endpoint.NextJsonAsync()).GetProperty("type").GetString());
        Assert.Equal(prefix + secret, endpoint.RequestHeaders![header]);
        Assert.Null(endpoint.RequestHeaders![header == "api-key" ? "Authorization" : "api-key"]);
        // The vault saw the node's token, asked for with the scope of the vault's own challenge.
        Assert.Equal(["vault-token"], vault.Reads);
        Assert.Equal(["https://127.0.0.1/.default"], identity.Scopes);

        await endpoint.CloseAsync();
        Assert.Equal(StreamOutcome.AgentClosed, (await run.WaitAsync(Wait)).Outcome);
        Assert.DoesNotContain(log.Lines, l => l.Contains(secret, StringComparison.Ordinal));

        // Cached for the configured time: a burst of calls reads the vault once, a later call again (a rotated key applies).
        await credentials.GetHeaderAsync(step, CancellationToken.None);
        Assert.Single(vault.Reads);
        time.Advance(TimeSpan.FromMinutes(5));
        await credentials.GetHeaderAsync(step, CancellationToken.None);
        Assert.Equal(2, vault.Reads.Count);
    }

    [Fact]
    public async Task A_secret_the_vault_does_not_have_fails_the_connect_with_the_reason_and_the_plan_onError_runs()
    {
        await using var vault = await FakeKeyVault.StartAsync(new Dictionary<string, string>());
        var identity = new FakeIdentity("vault-token");
        var credentials = new StreamCredentials(identity, vault.Client(identity), TimeSpan.FromMinutes(5), TimeProvider.System);
        await using var endpoint = TestAgentServer.Start();
        var step = Parse(endpoint.Url, ""","keyVaultSecret":"missing-key" """);

        using var stream = new AgentStream("call-missing", step, Codecs.Shared, Loopback, TimeProvider.System, new RecordingLogger(), credentials);
        var result = await stream.RunAsync(NoPlayer, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal((StreamOutcome.ConnectFailed, "Key Vault refused the secret 'missing-key' (404 SecretNotFound)"), (result.Outcome, result.Detail));
        Assert.Null(endpoint.RequestHeaders); // never connected
    }

    [Fact]
    public async Task A_node_without_a_vault_or_identity_says_so_instead_of_connecting_without_a_key()
    {
        await using var endpoint = TestAgentServer.Start();
        var vaultStep = Parse(endpoint.Url, ""","keyVaultSecret":"openai-key" """);
        var entraStep = Parse(endpoint.Url, ""","auth":"entra" """);

        var noVault = await Assert.ThrowsAsync<StreamCredentialException>(() => StreamCredentials.None.GetHeaderAsync(vaultStep, CancellationToken.None));
        var noIdentity = await Assert.ThrowsAsync<StreamCredentialException>(() => StreamCredentials.None.GetHeaderAsync(entraStep, CancellationToken.None));

        Assert.Contains("StreamKeys:KeyVaultUri", noVault.Message, StringComparison.Ordinal);
        Assert.Contains("no identity", noIdentity.Message, StringComparison.Ordinal);
    }
}
