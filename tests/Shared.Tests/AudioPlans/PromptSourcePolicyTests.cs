using Serverless.Shared.AudioPlans;

namespace Serverless.Shared.Tests.AudioPlans;

public sealed class PromptSourcePolicyTests
{
    private static readonly PromptSourcePolicy Policy = new(new PromptOptions
    {
        ContainerUrl = new Uri("https://acct.blob.core.windows.net/prompts"),
        AllowedUrlPrefixes = ["https://cdn.example.com/voice/"],
    });

    [Theory]
    [InlineData("beep", PromptSourceKind.Bundled, null)]
    [InlineData("https://acct.blob.core.windows.net/prompts/welcome.wav", PromptSourceKind.PromptsContainer, "welcome.wav")]
    [InlineData("https://ACCT.blob.core.windows.net/prompts/en/welcome.wav", PromptSourceKind.PromptsContainer, "en/welcome.wav")]
    [InlineData("https://cdn.example.com/voice/otp/1.wav", PromptSourceKind.AllowedUrl, null)]
    public void AllowedSources_AreClassified(string source, PromptSourceKind kind, string? blobName)
    {
        Assert.True(Policy.TryAllow(source, out var allowed, out var reason), reason);
        Assert.Equal(kind, allowed.Kind);
        Assert.Equal(blobName, allowed.BlobName);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/recordings/call-1.ogg")] // another call's recording
    [InlineData("https://acct.blob.core.windows.net/prompts/../recordings/call-1.ogg")]
    [InlineData("https://acct.blob.core.windows.net/prompts/%2e%2e/recordings/call-1.ogg")]
    [InlineData("https://acct.blob.core.windows.net/prompts/a%2F..%2F..%2Frecordings%2Fx.ogg")]
    [InlineData("https://acct.blob.core.windows.net/prompts/")]
    [InlineData("https://acct.blob.core.windows.net/prompts-other/x.wav")]
    [InlineData("https://acct.blob.core.windows.net/prompts/x.wav?sv=2020&sig=abc")]
    [InlineData("https://user@acct.blob.core.windows.net/prompts/x.wav")]
    [InlineData("http://acct.blob.core.windows.net/prompts/x.wav")] // scheme differs from the container's
    [InlineData("https://other.blob.core.windows.net/prompts/x.wav")]
    [InlineData("https://cdn.example.com/voice-evil/x.wav")]
    [InlineData("http://cdn.example.com/voice/x.wav")]
    [InlineData("https://cdn.example.com/voice/../admin/x.wav")]
    [InlineData("https://evil.example/x.wav")]
    [InlineData("file:///etc/passwd")]
    [InlineData("../beep")]
    public void EverythingElse_IsRefused(string source)
    {
        Assert.False(Policy.TryAllow(source, out var allowed, out var reason));
        Assert.Null(allowed);
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void WithoutAContainer_OnlyBundledPromptsPlay()
    {
        Assert.True(PromptSourcePolicy.BundledOnly.TryAllow("beep", out _, out _));
        Assert.False(PromptSourcePolicy.BundledOnly.TryAllow("https://acct.blob.core.windows.net/prompts/x.wav", out _, out var reason));
        Assert.Contains("no prompts container", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/recordings", null)]
    [InlineData("https://acct.blob.core.windows.net/", null)]
    [InlineData("http://acct.blob.core.windows.net/prompts", null)]
    [InlineData("https://acct.blob.core.windows.net/prompts?sig=x", null)]
    [InlineData(null, "http://cdn.example.com/voice/")]
    [InlineData(null, "https://cdn.example.com/voice")]
    [InlineData(null, "https://cdn.example.com/voice/?x=1")]
    public void UnusableOptions_FailValidation(string? container, string? prefix)
    {
        var options = new PromptOptions
        {
            ContainerUrl = container is null ? null : new Uri(container),
            AllowedUrlPrefixes = prefix is null ? [] : [prefix],
        };

        Assert.True(new PromptOptionsValidator().Validate(null, options).Failed);
        Assert.Throws<ArgumentException>(() => new PromptSourcePolicy(options));
    }

    [Fact]
    public void AzuriteOnLoopback_MayUsePlainHttp()
    {
        var options = new PromptOptions { ContainerUrl = new Uri("http://127.0.0.1:10000/devstoreaccount1/prompts") };

        Assert.True(new PromptOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new PromptSourcePolicy(options).TryAllow("http://127.0.0.1:10000/devstoreaccount1/prompts/hello.wav", out var allowed, out _));
        Assert.Equal("hello.wav", allowed.BlobName);
        Assert.False(new PromptSourcePolicy(options).TryAllow("http://127.0.0.1:10000/devstoreaccount1/recordings/call.ogg", out _, out _));
    }
}
