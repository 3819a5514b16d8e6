using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.FunctionsHost.Http;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Users;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The analytics dashboard in a real Chromium (playwright-core, Debian's chromium) after real calls through the whole
/// product: two answered and hung up, one rejected. The charts' own data (Chart.getChart(canvas).data) and their
/// accessible labels match the analytics API and the calls made; clicking a bar lists exactly the calls behind it;
/// an agent without the analyst role is turned away. A screenshot is saved under .artifacts/test-results.
/// </summary>
public sealed class DashboardTests
{
    private static readonly AppServiceAuthEmulation Users = new()
    {
        Users =
        [
            new DevelopmentUser("00000000-0000-0000-0000-0000000000c1", "analyst", ["CallAnalyst"]),
            new DevelopmentUser("00000000-0000-0000-0000-0000000000a1", "agent", ["CallAgent"]),
        ],
    };

    [Fact]
    public async Task The_dashboard_shows_the_calls_made_and_a_bar_drills_down_to_its_calls()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            AppServiceAuth = Users,
            ConfigureFunctions = s => s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development", // the sign-in emulation refuses anything else
        });
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Permissions.Grant(OtherUser);

        var completed = new List<string>();
        foreach (var user in new[] { User, OtherUser })
        {
            var id = await product.DialAcceptedAsync(user);
            await product.Calls.WaitForStateAsync(id, "connected", Wait);
            var (status, body) = await product.Calls.HangUpAsync(id);
            Assert.True(status is 200 or 202, $"hang up answered {status}: {body}");
            Assert.Equal("completed", (await product.Calls.WaitAsync(id, c => c.IsFinal(), Wait)).Outcome());
            completed.Add(id);
        }

        product.Simulator.Users.Set(OtherUser, SimulatedUserBehavior.RejectAfter(TimeSpan.FromMilliseconds(300)));
        var rejected = await product.DialAcceptedAsync(OtherUser);
        await product.Calls.WaitAsync(rejected, c => c.IsFinal() && c.Outcome() == "rejected", Wait);
        string[] all = [.. completed, rejected];

        // The page's default range: the last 30 UTC days, today included. Rollups are written when each call's end is
        // reported (node report in), so wait until the API counts all three.
        var today = DateTimeOffset.UtcNow.Date;
        var range = $"from={Iso(today.AddDays(-29))}&to={Iso(today.AddDays(1))}";
        var http = product.Calls.Http; // holds the function key
        var daily = await WaitForAnalyticsAsync(http, range + "&groupBy=day", all.Length);
        var total = daily.GetProperty("total");
        Assert.Equal(2, total.GetProperty("outcomes").GetProperty("completed").GetInt64());
        Assert.Equal(1, total.GetProperty("outcomes").GetProperty("rejected").GetInt64());
        var byNumber = await GetJsonAsync(http, $"api/analytics/calls?{range}&groupBy=phoneNumber");
        var createdDays = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in all)
        {
            createdDays[id] = (await product.Calls.GetAsync(id)).GetProperty("createdAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        // ICE and media insight of the real calls: the node's selected pair (all on loopback: host both sides), its
        // ICE and DTLS times and the negotiated DTLS, on the call and counted in the analytics.
        foreach (var id in completed)
        {
            var transport = (await product.Calls.GetAsync(id)).GetProperty("media").GetProperty("transport");
            Assert.Equal(("host", "host"), (transport.GetProperty("localCandidateType").GetString(), transport.GetProperty("remoteCandidateType").GetString()));
            Assert.Equal("DTLS 1.2", transport.GetProperty("dtlsVersion").GetString());
            Assert.StartsWith("TLS_ECDHE_ECDSA_WITH_", transport.GetProperty("dtlsCipherSuite").GetString(), StringComparison.Ordinal);
            Assert.True(transport.GetProperty("iceMs").GetDouble() > 0 && transport.GetProperty("dtlsMs").GetDouble() > 0, transport.ToString());
        }

        var connectivity = total.GetProperty("connectivity");
        var pair = Assert.Single(connectivity.GetProperty("candidatePairs").EnumerateArray());
        Assert.Equal(("host", "host"), (pair.GetProperty("local").GetString(), pair.GetProperty("remote").GetString()));
        // Counted once per call that reported a transport (the answered two at least; the rejected one only if its
        // phone got as far as ICE before declining).
        var withTransport = 0;
        var withDtls = 0;
        foreach (var id in all)
        {
            var media = (await product.Calls.GetAsync(id)).GetProperty("media");
            if (media.ValueKind == JsonValueKind.Object && media.TryGetProperty("transport", out var t) && t.ValueKind == JsonValueKind.Object)
            {
                withTransport++;
                withDtls += t.TryGetProperty("dtlsVersion", out var v) && v.ValueKind == JsonValueKind.String ? 1 : 0;
            }
        }

        Assert.InRange(withTransport, 2, 3);
        Assert.Equal(withTransport, pair.GetProperty("count").GetInt64());
        Assert.Equal(withTransport, connectivity.GetProperty("iceMs").GetProperty("count").GetInt64());
        Assert.Equal(withDtls, connectivity.GetProperty("dtlsMs").GetProperty("count").GetInt64());
        Assert.Equal(withDtls, Assert.Single(connectivity.GetProperty("dtlsVersions").EnumerateArray()).GetProperty("count").GetInt64());

        var screenshot = RepoPaths.Of(".artifacts", "test-results", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await using var page = await DashboardPage.StartAsync(product.FunctionsBaseAddress);

        // An agent is signed in but may not see every number's analytics.
        var agent = await page.SendAsync("open", ("user", "agent"));
        Assert.False((bool)agent["ready"]!);
        Assert.Contains("may not see call analytics", (string?)agent["who"], StringComparison.Ordinal);

        var opened = await page.SendAsync("open", ("user", "analyst"));
        Assert.True((bool)opened["ready"]!, $"the dashboard never drew its charts: {opened.ToJsonString()}\n{page.Log}");
        var read = await page.SendAsync("read");
        var charts = read["charts"]!.AsObject();

        // Answer and success rate per day: the API's days and rates.
        var days = daily.GetProperty("groups").EnumerateArray().ToList();
        var rates = charts["rates-chart"]!;
        Assert.Equal(days.Select(d => d.GetProperty("key").GetString()), Strings(rates["labels"]));
        Assert.Equal(days.Select(d => d.GetProperty("answerRate").GetDouble() * 100), Numbers(rates["datasets"]![0]!["data"]));
        Assert.Equal(days.Select(d => d.GetProperty("successRate").GetDouble() * 100), Numbers(rates["datasets"]![1]!["data"]));
        Assert.Equal("img", (string?)rates["role"]);
        foreach (var day in days)
        {
            Assert.Contains($"{day.GetProperty("key").GetString()}: {day.GetProperty("calls").GetInt64()} calls", (string?)rates["aria"], StringComparison.Ordinal);
        }

        // Outcomes: the calls made.
        var outcomes = charts["outcomes-chart"]!;
        Assert.Equal(["Completed", "Rejected", "No answer", "Cancelled", "Failed"], Strings(outcomes["labels"]));
        Assert.Equal([2.0, 1, 0, 0, 0], Numbers(outcomes["datasets"]![0]!["data"]));
        Assert.Contains("Completed 2, Rejected 1", (string?)outcomes["aria"], StringComparison.Ordinal);

        // The permission funnel: the users had permission already (none asked, none granted here), three dialled, two answered.
        var funnel = charts["funnel-chart"]!;
        Assert.Equal([0.0, 0, 3, 2], Numbers(funnel["datasets"]![0]!["data"]));
        var apiFunnel = total.GetProperty("permissionFunnel");
        Assert.Equal(3, apiFunnel.GetProperty("dialled").GetInt64());
        Assert.Contains("Dialled 3, Answered 2", (string?)funnel["aria"], StringComparison.Ordinal);

        // Setup-time and MOS histograms: the API's bins, every measured call in one.
        var setup = charts["setup-chart"]!;
        var answeredToMedia = total.GetProperty("setup").GetProperty("answeredToMediaMs");
        Assert.Equal(2, answeredToMedia.GetProperty("count").GetInt64());
        var mediaSeries = setup["datasets"]!.AsArray().Single(d => (string?)d!["label"] == "Answered → first audio")!;
        Assert.Equal(Bins(answeredToMedia), Numbers(mediaSeries["data"]));
        var dialSeries = setup["datasets"]!.AsArray().Single(d => (string?)d!["label"] == "Dial → ringing")!;
        Assert.Equal(3.0, Numbers(dialSeries["data"]).Sum());
        var mos = total.GetProperty("quality").GetProperty("mos");
        var mosChart = charts["mos-chart"]!;
        Assert.Equal(Bins(mos), Numbers(mosChart["datasets"]![0]!["data"]));
        Assert.Equal(total.GetProperty("quality").GetProperty("callsWithMos").GetInt64(), Numbers(mosChart["datasets"]![0]!["data"]).Sum());

        // Per number: the one number, its three calls.
        var numberRow = Assert.Single(read["numbers"]!.AsArray())!.AsArray();
        Assert.Equal(product.BusinessPhoneNumberId, (string?)numberRow[0]);
        Assert.Equal("3", (string?)numberRow[1]);
        Assert.Equal(byNumber.GetProperty("groups")[0].GetProperty("calls").GetInt64().ToString(CultureInfo.InvariantCulture), (string?)numberRow[1]);

        // Drill-down: the Rejected bar lists the rejected call; a day's answer-rate bar lists that day's calls.
        var drill = await page.SendAsync("clickBar", ("chart", "outcomes-chart"), ("dataset", 0), ("index", 1));
        Assert.Equal([rejected], Strings(drill["ids"]));
        Assert.Equal("drill-title", (string?)drill["focused"]);
        var answeredDay = days.FindIndex(d => d.GetProperty("answered").GetInt64() > 0);
        var dayKey = days[answeredDay].GetProperty("key").GetString()!;
        drill = await page.SendAsync("clickBar", ("chart", "rates-chart"), ("dataset", 0), ("index", answeredDay));
        Assert.Equal(all.Where(id => createdDays[id] == dayKey).Order(StringComparer.Ordinal), Strings(drill["ids"]).Order(StringComparer.Ordinal));
        Assert.Contains(dayKey, (string?)drill["title"], StringComparison.Ordinal);

        await page.SendAsync("screenshot", ("path", screenshot));
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }

    private static string Iso(DateTime day) => day.ToString("yyyy-MM-dd'T'00:00:00Z", CultureInfo.InvariantCulture);

    private static List<string?> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => (string?)n)];

    private static List<double> Numbers(JsonNode? array) => [.. array!.AsArray().Select(n => (double)n!)];

    private static List<double> Bins(JsonElement distribution) =>
        [.. distribution.GetProperty("histogram").EnumerateArray().Select(b => (double)b.GetProperty("count").GetInt64())];

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAnalyticsAsync(HttpClient http, string query, int calls)
    {
        var deadline = DateTime.UtcNow + Wait;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        JsonElement last;
        do
        {
            last = await GetJsonAsync(http, "api/analytics/calls?" + query);
            if (last.GetProperty("total").GetProperty("calls").GetInt64() >= calls)
            {
                Assert.Equal(calls, last.GetProperty("total").GetProperty("calls").GetInt64());
                return last;
            }
        }
        while (DateTime.UtcNow < deadline && await poll.WaitForNextTickAsync());

        Assert.Fail($"The analytics never counted {calls} calls: {last}");
        return last;
    }

    /// <summary>tests/Phone/dashboard-page.mjs under Node: one Chromium page, one JSON command per line.</summary>
    private sealed class DashboardPage : IAsyncDisposable
    {
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private NodeScript _script = null!;

        public string Log => _script.Log(60);

        public static async Task<DashboardPage> StartAsync(Uri functions)
        {
            var page = new DashboardPage();
            page._script = NodeScript.Start(Path.Combine("tests", "Phone", "dashboard-page.mjs"), [functions.AbsoluteUri], page.IsEvent, Wait);
            await page._ready.Task.WaitAsync(Wait);
            return page;
        }

        public Task<JsonObject> SendAsync(string cmd, params (string Key, JsonNode? Value)[] members)
        {
            var command = new JsonObject { ["cmd"] = cmd };
            foreach (var (key, value) in members)
            {
                command[key] = value;
            }

            return _script.RequestAsync(command);
        }

        public async ValueTask DisposeAsync()
        {
            await _script.StopAsync(new JsonObject { ["cmd"] = "close" });
            await _script.DisposeAsync();
        }

        private bool IsEvent(JsonObject message)
        {
            switch ((string?)message["event"])
            {
                case "ready":
                    _ready.TrySetResult();
                    return true;
                case "pageerror":
                    _script.AddLog("page error: " + message.ToJsonString());
                    return true;
                default:
                    return false;
            }
        }
    }
}
