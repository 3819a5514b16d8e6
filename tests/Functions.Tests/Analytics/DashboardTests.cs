using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Analytics;
using Serverless.Functions.Analytics.Dashboard;
using Serverless.Functions.Calls;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
using static Serverless.Functions.Tests.AgentConsole.ConsoleSignInTests;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.Tests.Analytics;

/// <summary>
/// The dashboard's routes and the drill-down API over a seeded month: the calls behind a group are exactly the
/// group's calls; a signed-in analyst sees what the key-protected API answers; an agent, an anonymous caller or a
/// function key does not.
/// </summary>
public sealed class DashboardTests
{
    private const string AnalystRole = "CallAnalyst";
    private const string Month = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";

    [Fact]
    public async Task The_calls_behind_a_group_are_exactly_its_calls_and_an_analyst_sees_what_the_key_api_answers()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var calls = CallAnalyticsTests.Seed(120);
        var store = app.Host.Services.GetRequiredService<ICallStore>();
        var rollups = new CallRollupStore(
            AzuriteTables.Client(),
            Options.Create(new AnalyticsOptions { TablePrefix = app.TablePrefix, MaxConcurrencyRetries = 200 }),
            NullLogger<CallRollupStore>.Instance);
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) =>
        {
            Assert.Equal(CreateCallStatus.Created, (await store.CreateAsync(call, ct)).Status);
            await rollups.RecordAsync(call, ct);
        });

        // A day's bar: every call of that day, newest first, paged with small pages.
        var day = new DateTimeOffset(2026, 11, 7, 0, 0, 0, TimeSpan.Zero);
        var ofDay = calls.Where(c => c.CreatedAt >= day && c.CreatedAt < day.AddDays(1)).OrderByDescending(c => c.CreatedAt).Select(c => c.CallId).ToList();
        Assert.NotEmpty(ofDay);
        Assert.Equal(ofDay, await ListAllAsync(app.Client, "api/analytics/calls/list?from=2026-11-07T00:00:00Z&to=2026-11-08T00:00:00Z&pageSize=2"));

        // A number's row × an outcome over the month; and what one listed call carries.
        var number = CallAnalyticsTests.Numbers[1];
        var failedOfNumber = calls.Where(c => c.BusinessPhoneNumberId == number && c.Outcome == CallOutcome.Failed).OrderByDescending(c => c.CreatedAt).ToList();
        Assert.Equal(failedOfNumber.Select(c => c.CallId), await ListAllAsync(app.Client, $"api/analytics/calls/list?{Month}&phoneNumberId={number}&outcome=failed"));
        var inbound = calls.Count(c => c.Direction == CallDirection.Inbound);
        Assert.Equal(inbound, (await ListAllAsync(app.Client, $"api/analytics/calls/list?{Month}&direction=inbound&pageSize=1000")).Count);
        using (var one = await app.Client.GetAsync(new Uri($"api/analytics/calls/list?{Month}&phoneNumberId={number}&outcome=failed&pageSize=1", UriKind.Relative)))
        {
            var listed = (await CallingApp.ReadJsonAsync(one)).GetProperty("calls")[0];
            var call = failedOfNumber[0];
            Assert.Equal(call.CallId, listed.GetProperty("id").GetString());
            Assert.Equal("failed", listed.GetProperty("outcome").GetString());
            Assert.Equal(number, listed.GetProperty("phoneNumberId").GetString());
            Assert.Equal(call.LastError!.Code, listed.GetProperty("errorCode").GetString());
            Assert.False(listed.TryGetProperty("userWaId", out _), "analytics lists no user numbers");
        }

        // The dashboard's routes answer the same to a signed-in analyst.
        var analyst = ClientPrincipal.Encode("oid-ana", "Ana", AnalystRole);
        foreach (var path in new[] { $"analytics/calls?{Month}&groupBy=phoneNumber", $"analytics/calls/list?{Month}&outcome=completed&pageSize=1000" })
        {
            using var keyed = await app.Client.GetAsync(new Uri("api/" + path, UriKind.Relative));
            using var signedIn = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/dashboard/" + path, analyst));
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            Assert.Equal(await keyed.Content.ReadAsStringAsync(), await signedIn.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Only_a_signed_in_analyst_opens_the_data_and_the_page_serves_chart_js_from_the_build()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        const string data = "api/dashboard/analytics/calls?" + Month;
        using (var agent = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, data, ClientPrincipal.Encode("oid-al", "Al", AgentRole))))
        {
            // An agent handles calls; all numbers' analytics need the analyst role.
            Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
            Assert.Equal(DashboardProblemTypes.NotAnAnalyst, (await CallingApp.ReadJsonAsync(agent)).GetProperty("type").GetString());
        }

        using (var nobody = await app.Anonymous.GetAsync(new Uri(data, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        }

        // A function key is not a sign-in.
        using (var keyOnly = await app.Client.GetAsync(new Uri("api/dashboard/analytics/calls/list?" + Month, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, keyOnly.StatusCode);
        }

        using (var me = await app.Anonymous.SendAsync(AsPrincipal(HttpMethod.Get, "api/dashboard/me", ClientPrincipal.Encode("oid-ana", "Ana", AnalystRole))))
        {
            Assert.Equal("Ana", (await CallingApp.ReadJsonAsync(me)).GetProperty("name").GetString());
        }

        using var page = await app.Anonymous.GetAsync(new Uri("api/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("/api/dashboard/assets/chart.umd.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var chart = await app.Anonymous.GetAsync(new Uri("api/dashboard/assets/chart.umd.min.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Equal("text/javascript", chart.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Chart.js v4.6.1", await chart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await app.Anonymous.GetAsync(new Uri("api/dashboard/assets/index.php", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData(Month + "&outcome=busy", "Unknown 'outcome'.")]
    [InlineData(Month + "&direction=sideways", "Unknown 'direction'.")]
    [InlineData(Month + "&phoneNumberId=abc", "'phoneNumberId' must be a business phone number id (digits).")]
    [InlineData(Month + "&pageSize=0", "'pageSize' must be 1-1000.")]
    [InlineData(Month + "&continuationToken=bm9wZQ", "'continuationToken' is not one this API issued.")]
    [InlineData("from=2026-11-01T00:00:00Z", "'to' is required.")]
    public async Task A_bad_drill_down_query_is_a_400_problem(string query, string title)
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var response = await app.Client.GetAsync(new Uri("api/analytics/calls/list?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await CallingApp.ReadJsonAsync(response)).GetProperty("title").GetString());
    }

    private static async Task<List<string>> ListAllAsync(HttpClient client, string path)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            using var response = await client.GetAsync(new Uri(path + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await CallingApp.ReadJsonAsync(response);
            ids.AddRange(page.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            token = page.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        while (token is not null);

        return ids;
    }
}
