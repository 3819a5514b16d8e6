using System.Net;
using System.Net.Http.Json;
using Azure;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// Both dial routes validate the audio plan with the MediaNode's own parser and prompt rule: a bad plan is a 400
/// whose <c>errors</c> map names the member at fault, and nothing is stored, scheduled, queued or sent to Meta.
/// </summary>
public sealed class AudioPlanValidationTests : IAsyncLifetime
{
    private CallingApp _app = null!;

    public async Task InitializeAsync() => _app = await CallingApp.StartAsync();

    public async Task DisposeAsync()
    {
        using var list = await _app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Empty(_app.Graph.Requests);
        Assert.Equal(0, _app.Bus.CountReady("commands-new"));
        Assert.Empty(_app.Node.Commands);
        Assert.Equal(0, await ScheduledDialRowsAsync());
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("api/calls")]
    [InlineData("api/dials")]
    public async Task A_plan_with_an_out_of_range_value_is_400_pointing_at_it(string route)
    {
        var body = new
        {
            to = "+14155550123",
            audio = new { steps = new object[] { new { pause = new { ms = 20 } }, new { prompt = "beep" }, new { tone = new { hz = 1, ms = 500 } } } },
        };

        var errors = await AssertPlanRefusedAsync(route, body);

        Assert.Equal("audio.steps[2].tone.hz", Assert.Single(errors).Name);
        Assert.Contains("from 20 to 8000", errors[0].Messages[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/calls", """{"steps":[{"tone":{"hz":440,"ms":500,"volume":3}}]}""", "audio.steps[0].tone.volume")]
    [InlineData("api/calls", """{"steps":[{"colect":{"max":1,"timeoutMs":1000}}]}""", "audio.steps[0].colect")]
    [InlineData("api/dials", """{"steps":[{"record":{"maxSeconds":60,"format":"mp3"}}]}""", "audio.steps[0].record.format")]
    [InlineData("api/dials", """{"stepz":[]}""", "audio.stepz")]
    [InlineData("api/calls", """{"steps":[{"hangup":{},"name":""}]}""", "audio.steps[0].name")]
    public async Task Typos_and_unknown_members_are_400_pointing_at_them(string route, string plan, string path)
    {
        var body = $$"""{"to":"+14155550123","audio":{{plan}}}""";

        var errors = await AssertPlanRefusedAsync(route, System.Text.Json.JsonDocument.Parse(body).RootElement);

        Assert.Equal(path, Assert.Single(errors).Name);
    }

    [Theory]
    [InlineData("api/calls")]
    [InlineData("api/dials")]
    public async Task Another_calls_recording_cannot_be_played_as_a_prompt(string route)
    {
        // The attack: a plan whose prompt names a blob of the same storage account, but the recordings container.
        var recording = "http://127.0.0.1:10000/devstoreaccount1/recordings/call_01ARZ3NDEKTSV4RRFFQ69G5FAV.ogg";
        var body = new { to = "+14155550123", audio = new { steps = new object[] { new { prompt = CallingApp.PromptsContainer + "/welcome.wav" }, new { prompt = recording } } } };

        var errors = await AssertPlanRefusedAsync(route, body);

        Assert.Equal("audio.steps[1].prompt", Assert.Single(errors).Name);
        Assert.Contains("not an allowed prompt source", errors[0].Messages[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/prompts/../recordings/x.ogg")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/prompts/%2e%2e/recordings/x.ogg")]
    [InlineData("http://127.0.0.1:10001/devstoreaccount1/prompts/x.wav")]
    [InlineData("https://attacker.example/x.wav")]
    public async Task Prompts_outside_the_prompts_container_are_400(string prompt)
    {
        var errors = await AssertPlanRefusedAsync("api/calls", new { to = "+14155550123", audio = new { steps = new object[] { new { prompt } } } });

        Assert.Equal("audio.steps[0].prompt", Assert.Single(errors).Name);
    }

    [Theory]
    [InlineData("api/calls", """{"url":"wss://api.openai.com/v1/realtime?model=gpt-realtime","dialect":"openai-realtime","auth":"entra"}""", "audio.steps[0].stream.auth", "Azure OpenAI host")]
    [InlineData("api/dials", """{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","auth":"entra","token":"sk-x"}""", "audio.steps[0].stream.token", "not both")]
    [InlineData("api/calls", """{"url":"wss://res.openai.azure.com/openai/v1/realtime","dialect":"openai-realtime","keyHeader":"api-key"}""", "audio.steps[0].stream.keyHeader", "keyVaultSecret only")]
    public async Task Bad_credential_combinations_of_a_stream_are_400_pointing_at_them(string route, string stream, string path, string message)
    {
        var body = """{"to":"+14155550123","audio":{"steps":[{"stream":""" + stream + "}]}}";

        var errors = await AssertPlanRefusedAsync(route, System.Text.Json.JsonDocument.Parse(body).RootElement);

        Assert.Equal(path, Assert.Single(errors).Name);
        Assert.Contains(message, errors[0].Messages[0], StringComparison.Ordinal);
    }

    private async Task<List<(string Name, string[] Messages)>> AssertPlanRefusedAsync(string route, object body)
    {
        using var response = await _app.Client.PostAsJsonAsync(new Uri(route, UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("https://errors.serverless-calling.dev/invalid-audio-plan", problem.GetProperty("type").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("errors").EnumerateObject()
            .Select(e => (e.Name, e.Value.EnumerateArray().Select(m => m.GetString()!).ToArray()))
            .ToList();
    }

    private async Task<int> ScheduledDialRowsAsync()
    {
        try
        {
            var rows = 0;
            await foreach (var _ in AzuriteTables.Client().GetTableClient(_app.TablePrefix + "Dials").QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                rows++;
            }

            return rows;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0; // the table was never created: nothing was ever scheduled
        }
    }
}
