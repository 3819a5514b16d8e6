using System.Net;
using System.Text;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// The dial bodies the product README shows (docs/examples/*.json, included there verbatim) are accepted as they
/// are: a documented example that the API refuses would be the first thing a new user hits.
/// </summary>
public sealed class ReadmeExamplesTests
{
    /// <summary>The examples name this prompts container; the test deployment is configured with it.</summary>
    private const string ExamplePromptsContainer = "https://mediastorage.blob.core.windows.net/prompts";

    public static TheoryData<string> Examples() => new(Directory.GetFiles(ExamplesFolder(), "*.json").Select(Path.GetFileName)!);

    [Fact]
    public void The_three_documented_examples_exist_and_the_README_includes_each_verbatim()
    {
        var readme = File.ReadAllText(Path.Combine(ExamplesFolder(), "..", "..", "README.md")).ReplaceLineEndings("\n");
        foreach (var name in new[] { "appointment-confirmation.json", "voicemail.json", "otp-readout.json" })
        {
            var body = File.ReadAllText(Path.Combine(ExamplesFolder(), name)).ReplaceLineEndings("\n").TrimEnd();
            Assert.Contains(body, readme, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_example_dial_is_accepted_with_202(string file)
    {
        await using var app = await CallingApp.StartAsync(settings => settings["Prompts:ContainerUrl"] = ExamplePromptsContainer, runNode: false);
        var body = await File.ReadAllTextAsync(Path.Combine(ExamplesFolder(), file));

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await app.Client.PostAsync(new Uri("api/calls", UriKind.Relative), content);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var call = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("+14155550123", call.GetProperty("to").GetString());
        Assert.Equal(1, app.Bus.CountReady("commands-new")); // the plan went to a MediaNode as sent
    }

    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "examples");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("docs/examples not found above " + AppContext.BaseDirectory);
    }
}
