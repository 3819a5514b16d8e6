using System.Text;
using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.Shared.Tests.AudioPlans;

/// <summary>Regression for a fuzzing finding (docs/fuzzing.md): text that is not valid Unicode threw out of the parser.</summary>
public sealed class AudioPlanUnicodeTests
{
    [Theory]
    [InlineData("""{"steps":[{"prompt":"\ud800"}]}""")] // escaped lone surrogate
    [InlineData("""{"steps":[{"collect":{"max":1,"timeoutMs":1000,"terminator":"\udfff"}}]}""")]
    [InlineData("""{"steps":[{"record":{"maxSeconds":1,"format":"\ud800"}}]}""")]
    public void ALoneSurrogate_IsAClearError_NotAnException(string text)
    {
        var json = JsonDocument.Parse(text).RootElement.Clone();

        Assert.False(AudioPlan.TryParse(json, null, out _, out var error));
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"steps":[{"prompt":"beep#"}]}""")] // '#' becomes an invalid UTF-8 byte in a value
    [InlineData("""{"steps":[{"beep#":{}}]}""")] // ... and in a member name
    public void InvalidUtf8_IsAClearError_NotAnException(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xFF;
        var json = JsonDocument.Parse(bytes).RootElement.Clone();

        Assert.False(AudioPlan.TryParse(json, null, out _, out var error));
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }
}
