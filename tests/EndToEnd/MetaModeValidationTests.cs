using Serverless.Testing.LocalRun;

namespace Serverless.Testing.EndToEnd;

/// <summary>The local run's Meta mode refuses a bad configuration before it starts, naming each variable.</summary>
public sealed class MetaModeValidationTests
{
    private static readonly Dictionary<string, string> Good = new()
    {
        ["META_ACCESS_TOKEN"] = "EAAGtoken123",
        ["META_PHONE_NUMBER_ID"] = "106540352242922",
        ["META_APP_SECRET"] = "0123456789abcdef0123456789abcdef",
        ["META_VERIFY_TOKEN"] = "my-verify-token",
        ["PUBLIC_URL"] = "https://calls.example.com",
        ["MEDIANODE_PUBLIC_ADDRESS"] = "20.30.40.50",
    };

    [Fact]
    public void A_complete_configuration_passes()
    {
        Assert.Empty(MetaMode.Validate(n => Good.GetValueOrDefault(n)));
    }

    [Theory]
    [InlineData("META_PHONE_NUMBER_ID", "+16315551234", "META_PHONE_NUMBER_ID must be the number's id")]
    [InlineData("META_APP_SECRET", "short", "META_APP_SECRET must be the app secret")]
    [InlineData("PUBLIC_URL", "http://calls.example.com", "PUBLIC_URL must be a public https URL")]
    [InlineData("MEDIANODE_PUBLIC_ADDRESS", "127.0.0.1", "MEDIANODE_PUBLIC_ADDRESS must be the public IP")]
    [InlineData("DEMO_TO", "16315551234", "DEMO_TO must be an E.164 number")]
    [InlineData("META_VERIFY_TOKEN", "", "META_VERIFY_TOKEN is not set")]
    public void Each_bad_value_gets_one_message_naming_its_variable(string name, string value, string expected)
    {
        var env = new Dictionary<string, string>(Good) { [name] = value };

        var problem = Assert.Single(MetaMode.Validate(n => env.GetValueOrDefault(n)));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }
}
