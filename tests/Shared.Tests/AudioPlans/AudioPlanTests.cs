using System.Text.Json;
using CsCheck;
using Serverless.Shared.AudioPlans;

namespace Serverless.Shared.Tests.AudioPlans;

public sealed class AudioPlanTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void EveryStepKind_ParsesToItsTypedStep()
    {
        var json = Json("""
            {"steps":[{"prompt":"https://acct.blob.core.windows.net/prompts/welcome.wav"},
              {"tone":{"hz":440,"ms":1000}},{"pause":{"ms":500}},
              {"collect":{"max":4,"terminator":"#","timeoutMs":5000}},
              {"record":{"maxSeconds":60}},{"record":{"maxSeconds":5,"format":"wav","terminator":"#"}},
              {"echo":{"ms":3000}},{"prompt":"beep"},{"hangup":{}}]}
            """);

        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());

        Assert.Null(error);
        Assert.Equal<AudioStep>(
            [
                new PromptStep("https://acct.blob.core.windows.net/prompts/welcome.wav"),
                new ToneStep(440, TimeSpan.FromSeconds(1)),
                new PauseStep(TimeSpan.FromMilliseconds(500)),
                new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)),
                new RecordStep(TimeSpan.FromSeconds(60), RecordingFormat.OggOpus),
                new RecordStep(TimeSpan.FromSeconds(5), RecordingFormat.Wav) { Terminator = '#' },
                new EchoStep(TimeSpan.FromSeconds(3)),
                new PromptStep("beep"),
                new HangupStep(),
            ],
            plan.Steps);
    }

    [Fact]
    public void MissingPlan_IsTheDefaultSilentPlan()
    {
        Assert.True(AudioPlan.TryParse(null, null, out var plan, out _));
        Assert.Same(AudioPlan.Default, plan);
        Assert.True(AudioPlan.TryParse(Json("null"), null, out plan, out _));
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void CollectWithoutTerminator_HasNone()
    {
        Assert.True(AudioPlan.TryParse(Json("""{"steps":[{"collect":{"max":2,"timeoutMs":1000}}]}"""), null, out var plan, out _));
        Assert.Equal(new CollectDigitsStep(2, null, TimeSpan.FromSeconds(1)), plan.Steps[0]);
    }

    [Theory]
    [InlineData("[]", "", "object")]
    [InlineData("{}", "steps", "array")]
    [InlineData("""{"steps":{}}""", "steps", "array")]
    [InlineData("""{"steps":[],"extra":1}""", "extra", "unknown member")]
    [InlineData("""{"steps":[{"sing":{}}]}""", "steps[0].sing", "unknown step kind")]
    [InlineData("""{"steps":[{}]}""", "steps[0]", "exactly one kind")]
    [InlineData("""{"steps":[{"pause":{"ms":500},"hangup":{}}]}""", "steps[0]", "exactly one kind")]
    [InlineData("""{"steps":[42]}""", "steps[0]", "object")]
    [InlineData("""{"steps":[{"tone":{"hz":440}}]}""", "steps[0].tone.ms", "must be a number")]
    [InlineData("""{"steps":[{"pause":{"ms":20}},{"pause":{"ms":20}},{"tone":{"hz":"440","ms":100}}]}""", "steps[2].tone.hz", "must be a number")]
    [InlineData("""{"steps":[{"tone":{"hz":30000,"ms":100}}]}""", "steps[0].tone.hz", "must be a whole number from 20 to 8000")]
    [InlineData("""{"steps":[{"tone":{"hz":440.5,"ms":100}}]}""", "steps[0].tone.hz", "must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":-1}}]}""", "steps[0].pause.ms", "must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":1e12}}]}""", "steps[0].pause.ms", "must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":100,"loud":true}}]}""", "steps[0].pause.loud", "unknown member")]
    [InlineData("""{"steps":[{"collect":{"max":0,"timeoutMs":1000}}]}""", "steps[0].collect.max", "from 1 to 32")]
    [InlineData("""{"steps":[{"collect":{"max":3,"terminator":"##","timeoutMs":1000}}]}""", "steps[0].collect.terminator", "DTMF")]
    [InlineData("""{"steps":[{"collect":{"max":3,"terminator":"x","timeoutMs":1000}}]}""", "steps[0].collect.terminator", "DTMF")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":3601}}]}""", "steps[0].record.maxSeconds", "from 1 to 3600")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":10,"format":"mp3"}}]}""", "steps[0].record.format", "ogg")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":10,"terminator":"x"}}]}""", "steps[0].record.terminator", "DTMF")]
    [InlineData("""{"steps":[{"prompt":""}]}""", "steps[0].prompt", "non-empty")]
    [InlineData("""{"steps":[{"prompt":"../etc/passwd"}]}""", "steps[0].prompt", "bundled prompt name")]
    [InlineData("""{"steps":[{"prompt":"file:///etc/passwd"}]}""", "steps[0].prompt", "bundled prompt name")]
    [InlineData("""{"steps":[{"hangup":{"now":true}}]}""", "steps[0].hangup.now", "unknown member")]
    [InlineData("""{"steps":[{"hangup":{},"name":""}]}""", "steps[0].name", "1 to 64")]
    [InlineData("""{"steps":[{"hangup":{},"name":7}]}""", "steps[0].name", "string")]
    public void InvalidPlans_AreRejectedWithThePathOfTheMemberAtFault(string json, string path, string expected)
    {
        Assert.False(AudioPlan.TryParse(Json(json), null, out var plan, out var error));
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Same(AudioPlan.Default, plan);
    }

    [Fact]
    public void ErrorPath_UnderTheRequestMember_IsAJsonPath()
    {
        Assert.False(AudioPlan.TryParse(Json("""{"steps":[{"pause":{"ms":20}},{"pause":{"ms":20}},{"tone":{"hz":1,"ms":100}}]}"""), null, out _, out var error));
        Assert.Equal("audio.steps[2].tone.hz", error.PathUnder("audio"));
        Assert.False(AudioPlan.TryParse(Json("[]"), null, out _, out error));
        Assert.Equal("audio", error.PathUnder("audio"));
    }

    [Fact]
    public void EveryStepKind_TakesAnOptionalName()
    {
        var json = Json("""
            {"steps":[{"name":"greeting","prompt":"beep"},{"tone":{"hz":440,"ms":100},"name":"t"},{"name":"p","pause":{"ms":20}},
              {"collect":{"max":1,"timeoutMs":1000},"name":"confirm"},{"record":{"maxSeconds":5},"name":"voicemail"},
              {"echo":{"ms":20},"name":"e"},{"hangup":{},"name":"bye"},{"pause":{"ms":20}}]}
            """);

        Assert.True(AudioPlan.TryParse(json, null, out var plan, out var error), error?.ToString());

        Assert.Equal(["greeting", "t", "p", "confirm", "voicemail", "e", "bye", null], plan.Steps.Select(s => s.Name));
        Assert.Equal(new CollectDigitsStep(1, null, TimeSpan.FromSeconds(1)) { Name = "confirm" }, plan.Steps[3]);
    }

    [Fact]
    public void APromptThePolicyRefuses_IsAnErrorAtItsPath()
    {
        var policy = new PromptSourcePolicy(new PromptOptions { ContainerUrl = new Uri("https://acct.blob.core.windows.net/prompts") });
        var json = Json("""{"steps":[{"prompt":"https://acct.blob.core.windows.net/prompts/hello.wav"},{"prompt":"https://acct.blob.core.windows.net/recordings/call-1.ogg"}]}""");

        Assert.False(AudioPlan.TryParse(json, policy, out _, out var error));

        Assert.Equal("steps[1].prompt", error.Path);
        Assert.Contains("not an allowed prompt source", error.Message, StringComparison.Ordinal);
        Assert.True(AudioPlan.TryParse(json, null, out _, out _)); // shape alone is fine: the policy is what refuses it
    }

    [Fact]
    public void TooManySteps_AreRejected()
    {
        var steps = string.Join(",", Enumerable.Repeat("""{"pause":{"ms":20}}""", AudioPlanLimits.MaxSteps + 1));
        Assert.False(AudioPlan.TryParse(Json($$"""{"steps":[{{steps}}]}"""), null, out _, out var error));
        Assert.Equal("steps", error.Path);
        Assert.Contains("too many steps", error.Message, StringComparison.Ordinal);

        var justEnough = string.Join(",", Enumerable.Repeat("""{"pause":{"ms":20}}""", AudioPlanLimits.MaxSteps));
        Assert.True(AudioPlan.TryParse(Json($$"""{"steps":[{{justEnough}}]}"""), null, out _, out _));
    }

    [Fact]
    public void APlanLongerThanTheLimit_IsRejected()
    {
        // Three recordings of an hour each: every step is valid, the sum is not.
        var steps = string.Join(",", Enumerable.Repeat("""{"record":{"maxSeconds":3600}}""", 3));
        Assert.False(AudioPlan.TryParse(Json($$"""{"steps":[{{steps}}]}"""), null, out _, out var error));
        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArbitraryJson_NeverThrows_AndAnAcceptedPlanRespectsTheLimits()
    {
        JsonGen.Value(3).Sample(text =>
        {
            var ok = AudioPlan.TryParse(Json(text), null, out var plan, out var error);
            Assert.Equal(ok, error is null);
            Assert.True(plan.Steps.Count <= AudioPlanLimits.MaxSteps);
            Assert.True(plan.TimedDuration <= AudioPlanLimits.MaxTimedDuration);
        });
    }

    /// <summary>JSON text biased towards plan-like shapes, so the generator reaches deep into the parser.</summary>
    private static class JsonGen
    {
        private static readonly Gen<string> Key = Gen.Frequency(
            (4, Gen.OneOf(new[] { "steps", "prompt", "tone", "pause", "collect", "record", "echo", "hangup", "hz", "ms", "max", "terminator", "timeoutMs", "maxSeconds", "format" }.Select(Gen.Const).ToArray())),
            (1, Gen.String));

        private static readonly Gen<string> Scalar = Gen.OneOf(
            Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Int[0, 5000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
            Gen.Const("null"),
            Gen.Bool.Select(b => b ? "true" : "false"),
            Gen.OneOf(Gen.Const("#"), Gen.Const("wav"), Gen.Const("beep"), Gen.Const("https://a.blob.core.windows.net/p/x.wav"), Gen.String).Select(s => JsonSerializer.Serialize(s)));

        public static Gen<string> Value(int depth) => depth == 0
            ? Scalar
            : Gen.Frequency((2, Scalar), (1, Array(depth - 1)), (3, Object(depth - 1)));

        private static Gen<string> Array(int depth) =>
            Value(depth).Array[0, 6].Select(items => "[" + string.Join(",", items) + "]");

        private static Gen<string> Object(int depth) =>
            Gen.Select(Key, Value(depth)).Array[0, 4].Select(members =>
                "{" + string.Join(",", members.Select(m => JsonSerializer.Serialize(m.Item1) + ":" + m.Item2)) + "}");
    }
}
