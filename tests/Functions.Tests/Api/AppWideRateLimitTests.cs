using System.Globalization;
using System.Net;
using Serverless.Functions.Tests.App;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// Meta's per-second limits hold for the whole app, not per Functions instance: two hosts share one Azurite (the same
/// tables) and their clocks, and the call rate they enforce together is the configured one.
/// </summary>
public sealed class AppWideRateLimitTests
{
    [Fact]
    public async Task Two_hosts_together_place_no_more_new_calls_than_the_app_wide_rate_and_the_rest_get_429_with_Retry_After()
    {
        static void Limit(Dictionary<string, string?> s)
        {
            s["Calls:MaxNewCallsPerSecond"] = "1";
            s["Calls:NewCallBurst"] = "3";
        }

        await using var first = await CallingApp.StartAsync(Limit);
        // The second instance: the same storage tables as the first (what two instances of one app share).
        await using var second = await CallingApp.StartAsync(s =>
        {
            Limit(s);
            foreach (var key in new[] { "CallStore:TablePrefix", "Permissions:TablePrefix", "Callbacks:TablePrefix", "Dials:TablePrefix", "Analytics:TablePrefix" })
            {
                s[key] = first.TablePrefix;
            }

            s["NodeWatch:HeartbeatTable"] = first.TablePrefix + "nodes";
        });
        // One clock for both (instances of one app agree on the time; the fake clocks only move when told).
        first.Time.SetUtcNow(second.Time.GetUtcNow());

        var answers = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var app = i % 2 == 0 ? first : second;
                answers.Add(await app.DialAsync(new { to = "+1415556" + (1000 + i).ToString(CultureInfo.InvariantCulture) }));
            }

            // The burst of 3 went to the two hosts together; every later dial was refused at once, nothing stored.
            Assert.Equal(
                [HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
                answers.Select(a => a.StatusCode));
            foreach (var refused in answers.Skip(3))
            {
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                var problem = await CallingApp.ReadJsonAsync(refused);
                Assert.Equal("https://errors.serverless-calling.dev/call-rate-limited", problem.GetProperty("type").GetString());
                Assert.Equal(429, problem.GetProperty("status").GetInt32());
                Assert.Equal("1", Assert.Single(refused.Headers.GetValues("Retry-After")));
            }

            using var listed = await first.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
            var calls = (await CallingApp.ReadJsonAsync(listed)).GetProperty("calls");
            Assert.Equal(3, calls.GetArrayLength());

            // After Retry-After, one more token: one more call, from either host.
            first.Time.Advance(TimeSpan.FromSeconds(1));
            second.Time.Advance(TimeSpan.FromSeconds(1));
            using var later = await second.DialAsync(new { to = "+14155569999" });
            Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
            using var again = await first.DialAsync(new { to = "+14155569998" });
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }
}
