using System.Text.Json;
using CsCheck;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;

namespace Serverless.MediaNode.Tests.Audio;

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
              {"record":{"maxSeconds":60}},{"record":{"maxSeconds":5,"format":"wav"}},
              {"echo":{"ms":3000}},{"prompt":"beep"},{"hangup":{}}]}
            """);

        Assert.True(AudioPlan.TryParse(json, out var plan, out var error), error);

        Assert.Null(error);
        Assert.Equal<AudioStep>(
            [
                new PromptStep("https://acct.blob.core.windows.net/prompts/welcome.wav"),
                new ToneStep(440, TimeSpan.FromSeconds(1)),
                new PauseStep(TimeSpan.FromMilliseconds(500)),
                new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)),
                new RecordStep(TimeSpan.FromSeconds(60), RecordingFormat.OggOpus),
                new RecordStep(TimeSpan.FromSeconds(5), RecordingFormat.Wav),
                new EchoStep(TimeSpan.FromSeconds(3)),
                new PromptStep("beep"),
                new HangupStep(),
            ],
            plan.Steps);
    }

    [Fact]
    public void MissingPlan_IsTheDefaultSilentPlan()
    {
        Assert.True(AudioPlan.TryParse(null, out var plan, out _));
        Assert.Same(AudioPlan.Default, plan);
        Assert.True(AudioPlan.TryParse(Json("null"), out plan, out _));
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void CollectWithoutTerminator_HasNone()
    {
        Assert.True(AudioPlan.TryParse(Json("""{"steps":[{"collect":{"max":2,"timeoutMs":1000}}]}"""), out var plan, out _));
        Assert.Equal(new CollectDigitsStep(2, null, TimeSpan.FromSeconds(1)), plan.Steps[0]);
    }

    [Theory]
    [InlineData("[]", "object")]
    [InlineData("{}", "'steps'")]
    [InlineData("""{"steps":{}}""", "'steps'")]
    [InlineData("""{"steps":[],"extra":1}""", "unknown member 'extra'")]
    [InlineData("""{"steps":[{"sing":{}}]}""", "unknown step 'sing'")]
    [InlineData("""{"steps":[{}]}""", "exactly one member")]
    [InlineData("""{"steps":[{"pause":{"ms":500},"hangup":{}}]}""", "exactly one member")]
    [InlineData("""{"steps":[42]}""", "step 0")]
    [InlineData("""{"steps":[{"tone":{"hz":440}}]}""", "'ms' must be a number")]
    [InlineData("""{"steps":[{"tone":{"hz":"440","ms":100}}]}""", "'hz' must be a number")]
    [InlineData("""{"steps":[{"tone":{"hz":30000,"ms":100}}]}""", "'hz' must be a whole number from 20 to 8000")]
    [InlineData("""{"steps":[{"tone":{"hz":440.5,"ms":100}}]}""", "'hz' must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":-1}}]}""", "'ms' must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":1e12}}]}""", "'ms' must be a whole number")]
    [InlineData("""{"steps":[{"pause":{"ms":100,"loud":true}}]}""", "unknown member 'loud'")]
    [InlineData("""{"steps":[{"collect":{"max":0,"timeoutMs":1000}}]}""", "'max'")]
    [InlineData("""{"steps":[{"collect":{"max":3,"terminator":"##","timeoutMs":1000}}]}""", "'terminator'")]
    [InlineData("""{"steps":[{"collect":{"max":3,"terminator":"x","timeoutMs":1000}}]}""", "'terminator'")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":3601}}]}""", "'maxSeconds'")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":10,"format":"mp3"}}]}""", "'format'")]
    [InlineData("""{"steps":[{"prompt":""}]}""", "'prompt'")]
    [InlineData("""{"steps":[{"prompt":"../etc/passwd"}]}""", "'prompt'")]
    [InlineData("""{"steps":[{"prompt":"file:///etc/passwd"}]}""", "'prompt'")]
    [InlineData("""{"steps":[{"hangup":{"now":true}}]}""", "unknown member 'now'")]
    public void InvalidPlans_AreRejectedWithAClearError(string json, string expected)
    {
        Assert.False(AudioPlan.TryParse(Json(json), out var plan, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Same(AudioPlan.Default, plan);
    }

    [Fact]
    public void TooManySteps_AreRejected()
    {
        var steps = string.Join(",", Enumerable.Repeat("""{"pause":{"ms":20}}""", AudioPlanLimits.MaxSteps + 1));
        Assert.False(AudioPlan.TryParse(Json($$"""{"steps":[{{steps}}]}"""), out _, out var error));
        Assert.Contains("too many steps", error, StringComparison.Ordinal);

        var justEnough = string.Join(",", Enumerable.Repeat("""{"pause":{"ms":20}}""", AudioPlanLimits.MaxSteps));
        Assert.True(AudioPlan.TryParse(Json($$"""{"steps":[{{justEnough}}]}"""), out _, out _));
    }

    [Fact]
    public void APlanLongerThanTheLimit_IsRejected()
    {
        // Three recordings of an hour each: every step is valid, the sum is not.
        var steps = string.Join(",", Enumerable.Repeat("""{"record":{"maxSeconds":3600}}""", 3));
        Assert.False(AudioPlan.TryParse(Json($$"""{"steps":[{{steps}}]}"""), out _, out var error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ArbitraryJson_NeverThrows_AndAnAcceptedPlanRespectsTheLimits()
    {
        JsonGen.Value(3).Sample(text =>
        {
            var ok = AudioPlan.TryParse(Json(text), out var plan, out var error);
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
