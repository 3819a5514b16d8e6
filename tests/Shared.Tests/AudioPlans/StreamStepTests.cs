using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.Shared.Tests.AudioPlans;

public sealed class StreamStepTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static JsonElement Plan(string stream) => Json("""{"steps":[{"stream":""" + stream + "}]}");

    [Fact]
    public void A_full_twilio_stream_parses_with_every_member()
    {
        var json = Plan("""
            {"url":"wss://agent.example.com/media","dialect":"twilio","token":"s3cret","headers":{"X-Api-Key":"k"},
             "customParameters":{"lang":"en"},"tracks":"both","timeoutSeconds":120,"onError":[{"tone":{"hz":440,"ms":500}},{"hangup":{}}]}
            """);

        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());

        var stream = Assert.IsType<StreamStep>(Assert.Single(plan.Steps));
        Assert.Equal(new Uri("wss://agent.example.com/media"), stream.Url);
        Assert.Equal(StreamDialect.Twilio, stream.Dialect);
        Assert.Equal(8_000, stream.SampleRate);
        Assert.Equal("s3cret", stream.Token);
        Assert.Equal("k", stream.Headers["x-api-key"]);
        Assert.Equal("en", stream.CustomParameters["lang"]);
        Assert.Equal(StreamTracks.Both, stream.Tracks);
        Assert.Equal(TimeSpan.FromSeconds(120), stream.Timeout);
        Assert.Equal<AudioStep>([new ToneStep(440, TimeSpan.FromMilliseconds(500)), new HangupStep()], stream.OnError);
        Assert.Equal(TimeSpan.FromSeconds(120.5), plan.TimedDuration);
    }

    [Theory]
    [InlineData(null, 16_000)]
    [InlineData(24_000, 24_000)]
    public void A_pcm_stream_defaults_to_16_kHz(int? rate, int expected)
    {
        var member = rate is { } r ? $",\"sampleRate\":{r}" : string.Empty;
        Assert.True(AudioPlan.TryParse(Plan($$"""{"url":"wss://a.example/x","dialect":"pcm"{{member}}}"""), null, out var plan, out var error), error?.ToString());
        var stream = Assert.IsType<StreamStep>(plan.Steps[0]);
        Assert.Equal((StreamDialect.Pcm, expected, StreamTracks.Inbound), (stream.Dialect, stream.SampleRate, stream.Tracks));
        Assert.Equal(TimeSpan.FromSeconds(AudioPlanLimits.DefaultStreamSeconds), stream.Timeout);
    }

    [Fact]
    public void An_openai_realtime_stream_parses_its_session_at_24_kHz()
    {
        var json = Plan("""
            {"url":"wss://api.openai.com/v1/realtime?model=gpt-realtime","dialect":"openai-realtime","token":"sk-x",
             "instructions":"Be brief.\nSpeak English.","voice":"marin",
             "turnDetection":{"type":"server_vad","threshold":0.6,"prefixPaddingMs":300,"silenceDurationMs":500}}
            """);

        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());

        var stream = Assert.IsType<StreamStep>(Assert.Single(plan.Steps));
        Assert.Equal((StreamDialect.OpenAiRealtime, 24_000, StreamTracks.Inbound), (stream.Dialect, stream.SampleRate, stream.Tracks));
        var realtime = Assert.IsType<RealtimeSession>(stream.Realtime);
        Assert.Equal(("Be brief.\nSpeak English.", "marin"), (realtime.Instructions, realtime.Voice));
        Assert.Equal(new RealtimeTurnDetection("server_vad") { Threshold = 0.6, PrefixPaddingMs = 300, SilenceDurationMs = 500 }, realtime.TurnDetection);
        Assert.DoesNotContain("sk-x", stream.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Be brief", stream.ToString(), StringComparison.Ordinal);

        Assert.True(AudioPlan.TryParse(Plan("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"semantic_vad","eagerness":"low"}}"""), null, out plan, out error), error?.ToString());
        var semantic = Assert.IsType<StreamStep>(plan.Steps[0]).Realtime!;
        Assert.Equal((null, null, new RealtimeTurnDetection("semantic_vad") { Eagerness = "low" }), (semantic.Instructions, semantic.Voice, semantic.TurnDetection));
        Assert.True(AudioPlan.TryParse(Plan("""{"url":"wss://a.example/x","dialect":"openai-realtime"}"""), null, out plan, out error), error?.ToString());
        Assert.Equal(RealtimeTurnDetection.ServerVad, Assert.IsType<StreamStep>(plan.Steps[0]).Realtime!.TurnDetection);
    }

    [Theory]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","sampleRate":24000}""", "steps[0].stream.sampleRate", "pcm dialect only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","tracks":"both"}""", "steps[0].stream.tracks", "openai-realtime dialect streams the inbound track only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","customParameters":{"a":"b"}}""", "steps[0].stream.customParameters", "no start message")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","voice":"Alloy!"}""", "steps[0].stream.voice", "voice name")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","instructions":""}""", "steps[0].stream.instructions", "1 to 16384")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"none"}}""", "steps[0].stream.turnDetection.type", "server_vad")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"server_vad","threshold":2}}""", "steps[0].stream.turnDetection.threshold", "0 to 1")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"server_vad","silenceDurationMs":-1}}""", "steps[0].stream.turnDetection.silenceDurationMs", "0 to 10000")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"server_vad","eagerness":"low"}}""", "steps[0].stream.turnDetection.eagerness", "semantic_vad only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"semantic_vad","threshold":0.5}}""", "steps[0].stream.turnDetection.threshold", "server_vad only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"semantic_vad","eagerness":"max"}}""", "steps[0].stream.turnDetection.eagerness", "low")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"openai-realtime","turnDetection":{"type":"server_vad","x":1}}""", "steps[0].stream.turnDetection.x", "unknown member")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"pcm","voice":"alloy"}""", "steps[0].stream.voice", "openai-realtime dialect only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","instructions":"hi"}""", "steps[0].stream.instructions", "openai-realtime dialect only")]
    [InlineData("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","auth":"managed"}""", "steps[0].stream.auth", "\"entra\"")]
    [InlineData("""{"url":"wss://api.openai.com/v1/realtime","dialect":"openai-realtime","auth":"entra"}""", "steps[0].stream.auth", "Azure OpenAI host")]
    [InlineData("""{"url":"wss://openai.azure.com.evil.example/v1/realtime","dialect":"openai-realtime","auth":"entra"}""", "steps[0].stream.auth", "Azure OpenAI host")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","auth":"entra"}""", "steps[0].stream.auth", "openai-realtime dialect only")]
    [InlineData("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","auth":"entra","token":"t"}""", "steps[0].stream.token", "not both")]
    [InlineData("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","auth":"entra","headers":{"authorization":"x"}}""", "steps[0].stream.headers.Authorization", "set by the node")]
    [InlineData("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","auth":"entra","keyVaultSecret":"k"}""", "steps[0].stream.keyVaultSecret", "not both")]
    [InlineData("""{"url":"wss://api.openai.com/v1/realtime","dialect":"openai-realtime","keyVaultSecret":"bad_name"}""", "steps[0].stream.keyVaultSecret", "Key Vault secret name")]
    [InlineData("""{"url":"wss://api.openai.com/v1/realtime","dialect":"openai-realtime","keyVaultSecret":"k","token":"t"}""", "steps[0].stream.token", "not both")]
    [InlineData("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","keyVaultSecret":"k","keyHeader":"api-key","headers":{"API-KEY":"x"}}""", "steps[0].stream.headers.api-key", "set by the node")]
    [InlineData("""{"url":"wss://api.openai.com/v1/realtime","dialect":"openai-realtime","keyHeader":"api-key"}""", "steps[0].stream.keyHeader", "keyVaultSecret only")]
    [InlineData("""{"url":"wss://api.openai.com/v1/realtime","dialect":"openai-realtime","keyVaultSecret":"k","keyHeader":"x-key"}""", "steps[0].stream.keyHeader", "api-key")]
    public void A_bad_openai_realtime_stream_is_refused_naming_the_member(string stream, string path, string message)
    {
        Assert.False(AudioPlan.TryParse(Plan(stream), null, out _, out var error));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dialect":"twilio"}""", "steps[0].stream.url", "wss://")]
    [InlineData("""{"url":"https://a.example/x","dialect":"twilio"}""", "steps[0].stream.url", "wss://")]
    [InlineData("""{"url":"ws://a.example/x","dialect":"twilio"}""", "steps[0].stream.url", "wss://")]
    [InlineData("""{"url":"ws://127.0.0.1:9000/x","dialect":"twilio"}""", "steps[0].stream.url", "loopback")]
    [InlineData("""{"url":"wss://localhost/x","dialect":"twilio"}""", "steps[0].stream.url", "loopback")]
    [InlineData("""{"url":"wss://10.1.2.3/x","dialect":"twilio"}""", "steps[0].stream.url", "private")]
    [InlineData("""{"url":"wss://[fd00::1]/x","dialect":"twilio"}""", "steps[0].stream.url", "private")]
    [InlineData("""{"url":"wss://u:p@a.example/x","dialect":"twilio"}""", "steps[0].stream.url", "user info")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"vonage"}""", "steps[0].stream.dialect", "twilio")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","sampleRate":16000}""", "steps[0].stream.sampleRate", "pcm dialect only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"pcm","sampleRate":8000}""", "steps[0].stream.sampleRate", "16000 or 24000")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"pcm","tracks":"both"}""", "steps[0].stream.tracks", "inbound track only")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","tracks":"outbound"}""", "steps[0].stream.tracks", "inbound")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","timeoutSeconds":0}""", "steps[0].stream.timeoutSeconds", "1 to 7200")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","token":"a b"}""", "steps[0].stream.token", "visible ASCII")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","token":"t","headers":{"authorization":"x"}}""", "steps[0].stream.headers", "not both")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","headers":{"Host":"evil"}}""", "steps[0].stream.headers.Host", "header")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","headers":{"Sec-WebSocket-Protocol":"x"}}""", "steps[0].stream.headers.Sec-WebSocket-Protocol", "header")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","headers":{"X-A":"line\nbreak"}}""", "steps[0].stream.headers.X-A", "visible ASCII")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","customParameters":{"a":1}}""", "steps[0].stream.customParameters.a", "string")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","onError":[{"stream":{}}]}""", "steps[0].stream.onError[0].stream", "another stream")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","onError":[{"tone":{"hz":1}}]}""", "steps[0].stream.onError[0].tone.hz", "20 to 8000")]
    [InlineData("""{"url":"wss://a.example/x","dialect":"twilio","extra":1}""", "steps[0].stream.extra", "unknown member")]
    public void A_bad_stream_is_refused_naming_the_member(string stream, string path, string message)
    {
        Assert.False(AudioPlan.TryParse(Plan(stream), null, out _, out var error));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:9000/agent")]
    [InlineData("ws://localhost:9000/agent")]
    [InlineData("wss://[::1]:9000/agent")]
    public void Loopback_agents_are_allowed_only_by_the_development_policy(string url)
    {
        var plan = Plan($$"""{"url":"{{url}}","dialect":"twilio"}""");
        Assert.True(AudioPlan.TryParse(plan, null, new StreamUrlPolicy(allowLoopback: true), out _, out var error), error?.ToString());
        Assert.False(AudioPlan.TryParse(plan, null, StreamUrlPolicy.Secure, out _, out _));
    }

    [Fact]
    public void Plain_ws_to_a_public_host_is_refused_even_in_development()
    {
        Assert.False(AudioPlan.TryParse(Plan("""{"url":"ws://agent.example.com/x","dialect":"twilio"}"""), null, new StreamUrlPolicy(true), out _, out var error));
        Assert.Contains("wss://", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime")]
    [InlineData("wss://res.cognitiveservices.azure.com/openai/v1/realtime")]
    [InlineData("wss://res.services.ai.azure.com/openai/v1/realtime")]
    public void Entra_auth_parses_for_azure_openai_hosts_with_no_key_in_the_plan(string url)
    {
        Assert.True(AudioPlan.TryParse(Plan($$"""{"url":"{{url}}","dialect":"openai-realtime","auth":"entra"}"""), null, out var plan, out var error), error?.ToString());
        var stream = Assert.IsType<StreamStep>(plan.Steps[0]);
        Assert.Equal((StreamAuth.Entra, null, null, 0), (stream.Auth, stream.Token, stream.KeyVaultSecret, stream.Headers.Count));
    }

    [Fact]
    public void A_key_vault_secret_parses_for_any_dialect_with_its_header()
    {
        Assert.True(AudioPlan.TryParse(Plan("""{"url":"wss://a.example/x","dialect":"twilio","keyVaultSecret":"agent-token"}"""), null, out var plan, out var error), error?.ToString());
        var twilio = Assert.IsType<StreamStep>(plan.Steps[0]);
        Assert.Equal((StreamAuth.KeyVault, "agent-token", StreamKeyHeader.Authorization), (twilio.Auth, twilio.KeyVaultSecret, twilio.KeyHeader));

        Assert.True(AudioPlan.TryParse(Plan("""{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","keyVaultSecret":"openai-key","keyHeader":"api-key"}"""), null, out plan, out error), error?.ToString());
        var realtime = Assert.IsType<StreamStep>(plan.Steps[0]);
        Assert.Equal((StreamAuth.KeyVault, "openai-key", StreamKeyHeader.ApiKey), (realtime.Auth, realtime.KeyVaultSecret, realtime.KeyHeader));
        Assert.Contains("Auth = KeyVault (openai-key, ApiKey)", realtime.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_steps_text_form_never_shows_the_token_or_header_values()
    {
        Assert.True(AudioPlan.TryParse(
            Plan("""{"url":"wss://a.example/x?key=q","dialect":"twilio","token":"tok-123","headers":{"X-Api-Key":"hdr-456"}}"""), null, out var plan, out _));
        var text = plan.Steps[0].ToString();
        Assert.DoesNotContain("tok-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hdr-456", text, StringComparison.Ordinal);
        Assert.DoesNotContain("key=q", text, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", text, StringComparison.Ordinal);
    }
}
