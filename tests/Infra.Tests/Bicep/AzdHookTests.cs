namespace Serverless.Infra.Tests.Bicep;

/// <summary>azd hooks: a POSIX and a Windows variant of each, and none that provisions (a hook re-entering itself).</summary>
public sealed class AzdHookTests
{
    [Fact]
    public void PostprovisionHook_HasShAndPwshVariants_ThatExist()
    {
        var azure = File.ReadAllText(RepoPaths.Of("azure.yaml"));
        var hook = azure[azure.IndexOf("  postprovision:", StringComparison.Ordinal)..];
        Assert.Contains("posix:", hook, StringComparison.Ordinal);
        Assert.Contains("shell: sh", hook, StringComparison.Ordinal);
        Assert.Contains("run: ./infra/hooks/postprovision.sh", hook, StringComparison.Ordinal);
        Assert.Contains("windows:", hook, StringComparison.Ordinal);
        Assert.Contains("shell: pwsh", hook, StringComparison.Ordinal);
        Assert.Contains("run: ./infra/hooks/postprovision.ps1", hook, StringComparison.Ordinal);
        Assert.True(File.Exists(RepoPaths.Of("infra", "hooks", "postprovision.sh")));
        Assert.True(File.Exists(RepoPaths.Of("infra", "hooks", "postprovision.ps1")));
    }

    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("postprovision.ps1")]
    public void Hooks_NeverProvision(string script)
    {
        // A command that runs azd provision/up (not a quoted message telling the user to): the hook would re-enter itself.
        var commands = File.ReadAllLines(RepoPaths.Of("infra", "hooks", script))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\"[^\"]*\"|'[^']*'", "\"\"").Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        Assert.Contains(commands, l => l.StartsWith("azd env set", StringComparison.Ordinal)); // the filter keeps real commands
        Assert.DoesNotContain(commands, l => l.Contains("azd provision", StringComparison.Ordinal) || l.Contains("azd up", StringComparison.Ordinal));
    }
}
