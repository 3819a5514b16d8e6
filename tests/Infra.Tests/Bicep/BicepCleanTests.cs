namespace Serverless.Infra.Tests.Bicep;

/// <summary>CI gate: every template builds and lints with no error and no warning.</summary>
public sealed class BicepCleanTests
{
    public static TheoryData<string> Templates => new()
    {
        "infra/bicep/main.bicep",
        "infra/samples/logicapp-dial.bicep",
    };

    [Fact]
    public void BicepCli_IsRestoredByTheToolsProject()
    {
        Assert.True(File.Exists(BicepCli.BinaryPath), $"Bicep CLI not found at {BicepCli.BinaryPath}; restore infra/tools/bicep.csproj.");
        var version = BicepCli.Run("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("Bicep CLI version", version.StandardOutput.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void BicepBuild_HasNoErrorOrWarning(string template)
    {
        var result = BicepCli.Run("build", template, "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build {template} failed:\n{result.StandardError}");
        Assert.Empty(result.Diagnostics);
        Assert.Contains("\"$schema\"", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The linter's API-version age rule is off by default; infra/bicepconfig.json turns it on for every template.</summary>
    [Fact]
    public void BicepConfig_FlagsStaleApiVersionsAsWarnings()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.Of("infra", "bicepconfig.json")));
        var rule = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").GetProperty("use-recent-api-versions");
        Assert.Equal("warning", rule.GetProperty("level").GetString());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void BicepLint_HasNoErrorOrWarning(string template)
    {
        var result = BicepCli.Run("lint", template);
        Assert.True(result.ExitCode == 0, $"bicep lint {template} failed:\n{result.StandardError}");
        Assert.Empty(result.Diagnostics);
    }
}
