using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.Shared.Tests.AudioPlans;

public sealed class ConnectAgentStepTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static JsonElement Plan(string step) => Json("""{"steps":[{"connectAgent":""" + step + "}]}");

    [Fact]
    public void A_full_connect_agent_step_parses_with_every_member()
    {
        var json = Json("""
            {"steps":[{"name":"support","connectAgent":{"queue":"support.en","timeoutSeconds":90,"holdPrompt":"beep","record":"wav",
              "onNoAgent":[{"prompt":"beep"},{"record":{"maxSeconds":60}},{"hangup":{}}]}}]}
            """);

        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());

        var step = Assert.IsType<ConnectAgentStep>(Assert.Single(plan.Steps));
        Assert.Equal(("support", "support.en", TimeSpan.FromSeconds(90), "beep"), (step.Name, step.Queue, step.Timeout, step.HoldPrompt));
        Assert.Equal(RecordingFormat.Wav, step.Record);
        Assert.Equal<AudioStep>(
            [new PromptStep("beep"), new RecordStep(TimeSpan.FromSeconds(60), RecordingFormat.OggOpus), new HangupStep()], step.OnNoAgent);
        Assert.Equal(TimeSpan.FromSeconds(150), plan.TimedDuration);
    }

    [Fact]
    public void Hold_prompt_and_on_no_agent_are_optional()
    {
        Assert.True(AudioPlan.TryParse(Plan("""{"queue":"q","timeoutSeconds":1}"""), null, out var plan, out var error), error?.ToString());
        var step = Assert.IsType<ConnectAgentStep>(plan.Steps[0]);
        Assert.Null(step.HoldPrompt);
        Assert.Null(step.Record);
        Assert.Empty(step.OnNoAgent);
    }

    [Fact]
    public void An_ivr_menu_can_lead_to_it_with_a_voicemail_as_the_fallback()
    {
        var json = Json("""
            {"steps":[{"prompt":"beep"},{"collect":{"max":1,"timeoutMs":5000}},
              {"connectAgent":{"queue":"sales","timeoutSeconds":30,"onNoAgent":[{"prompt":"beep"},{"record":{"maxSeconds":120,"terminator":"#"}}]}}]}
            """);
        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());
        Assert.IsType<RecordStep>(Assert.IsType<ConnectAgentStep>(plan.Steps[2]).OnNoAgent[1]);
    }

    [Theory]
    [InlineData("""{"timeoutSeconds":30}""", "steps[0].connectAgent.queue", "queue name")]
    [InlineData("""{"queue":"","timeoutSeconds":30}""", "steps[0].connectAgent.queue", "queue name")]
    [InlineData("""{"queue":"a b","timeoutSeconds":30}""", "steps[0].connectAgent.queue", "queue name")]
    [InlineData("""{"queue":7,"timeoutSeconds":30}""", "steps[0].connectAgent.queue", "queue name")]
    [InlineData("""{"queue":"q"}""", "steps[0].connectAgent.timeoutSeconds", "number")]
    [InlineData("""{"queue":"q","timeoutSeconds":0}""", "steps[0].connectAgent.timeoutSeconds", "1 to 3600")]
    [InlineData("""{"queue":"q","timeoutSeconds":3601}""", "steps[0].connectAgent.timeoutSeconds", "1 to 3600")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"holdPrompt":""}""", "steps[0].connectAgent.holdPrompt", "non-empty")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"holdPrompt":"ftp://x/y.wav"}""", "steps[0].connectAgent.holdPrompt", "bundled prompt name")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"onNoAgent":{}}""", "steps[0].connectAgent.onNoAgent", "at most 8")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"onNoAgent":[{"connectAgent":{}}]}""", "steps[0].connectAgent.onNoAgent[0].connectAgent", "another connectAgent")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"onNoAgent":[{"tone":{"hz":1,"ms":20}}]}""", "steps[0].connectAgent.onNoAgent[0].tone.hz", "20 to 8000")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"record":"mp3"}""", "steps[0].connectAgent.record", "\"ogg\" or \"wav\"")]
    [InlineData("""{"queue":"q","timeoutSeconds":30,"agent":"x"}""", "steps[0].connectAgent.agent", "unknown member")]
    [InlineData("""[]""", "steps[0].connectAgent", "object")]
    public void A_bad_step_is_refused_naming_the_member(string step, string path, string message)
    {
        Assert.False(AudioPlan.TryParse(Plan(step), null, out _, out var error));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_a_stream_nor_a_connect_agent_nests_in_the_other()
    {
        var nested = Json("""
            {"steps":[{"connectAgent":{"queue":"q","timeoutSeconds":5,"onNoAgent":[
              {"stream":{"url":"wss://a.example/x","dialect":"pcm","onError":[{"connectAgent":{"queue":"q","timeoutSeconds":5}}]}}]}}]}
            """);
        Assert.False(AudioPlan.TryParse(nested, null, out _, out var error));
        Assert.Equal("steps[0].connectAgent.onNoAgent[0].stream", error.Path);
        Assert.Contains("cannot hold a stream", error.Message, StringComparison.Ordinal);

        var inStream = Json("""
            {"steps":[{"stream":{"url":"wss://a.example/x","dialect":"pcm","onError":[{"connectAgent":{"queue":"q","timeoutSeconds":5}}]}}]}
            """);
        Assert.False(AudioPlan.TryParse(inStream, null, out _, out error));
        Assert.Equal("steps[0].stream.onError[0].connectAgent", error.Path);
        Assert.Contains("cannot hold a connectAgent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hold_prompt_is_checked_against_the_prompt_policy()
    {
        var policy = new PromptSourcePolicy(new PromptOptions { AllowedUrlPrefixes = ["https://prompts.example.com/"] });
        Assert.False(AudioPlan.TryParse(Plan("""{"queue":"q","timeoutSeconds":5,"holdPrompt":"https://evil.example.com/hold.wav"}"""), policy, out _, out var error));
        Assert.Equal("steps[0].connectAgent.holdPrompt", error.Path);
        Assert.True(AudioPlan.TryParse(Plan("""{"queue":"q","timeoutSeconds":5,"holdPrompt":"https://prompts.example.com/hold.wav"}"""), policy, out _, out error), error?.ToString());
    }

    [Fact]
    public void Its_wait_counts_toward_the_two_hour_limit()
    {
        var json = Json("""{"steps":[{"connectAgent":{"queue":"q","timeoutSeconds":3600,"onNoAgent":[{"pause":{"ms":600000}}]}},{"connectAgent":{"queue":"q","timeoutSeconds":3600}}]}""");
        Assert.False(AudioPlan.TryParse(json, null, out _, out var error));
        Assert.Equal("steps", error.Path);
    }
}
