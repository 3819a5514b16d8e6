using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.Media;
using Serverless.Shared.WhatsApp;

namespace Serverless.Functions.Tests.Privacy;

/// <summary>
/// Data protection over the public surface: the daily retention timer (run through the host with a fake clock) and
/// <c>DELETE /api/users/{waId}</c> (master key only), on Azurite tables and blobs; what the user sees is the API's
/// 404s, the recording blobs gone, and the audit row.
/// </summary>
public sealed class RetentionAndErasureTests
{
    private const string User = "+" + CallingApp.User;
    private const string OtherUser = "+14155550199";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly BlobContainerClient Recordings = new BlobServiceClient(AzuriteTables.ConnectionString).GetBlobContainerClient("recordings");

    [Fact]
    public async Task The_retention_timer_deletes_calls_recordings_and_dials_past_the_retention_and_keeps_younger_ones()
    {
        await using var app = await StartAsync();
        var old = await EndedCallAsync(app, User);
        var oldDial = await ScheduleDialAsync(app, User);
        using (var cancel = await app.Client.DeleteAsync(new Uri("api/dials/" + oldDial, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        app.Time.Advance(TimeSpan.FromDays(60));
        var young = await EndedCallAsync(app, User);
        app.Time.Advance(TimeSpan.FromDays(31));

        await app.Host.RunTimerAsync("Retention");

        // 91 days old: gone, with its history rows and its recording.
        await AssertNotFoundAsync(app, "api/calls/" + old);
        await AssertNotFoundAsync(app, "api/dials/" + oldDial);
        Assert.False(await Recordings.GetBlobClient(old + ".ogg").ExistsAsync());
        Assert.Empty(await RowsAsync(app.TablePrefix + "Calls", $"PartitionKey eq '{old}'"));

        // 31 days old: kept, recording and all.
        var kept = await app.GetCallAsync(young);
        Assert.Equal(JsonValueKind.Object, kept.GetProperty("recording").ValueKind);
        Assert.True(await Recordings.GetBlobClient(young + ".ogg").ExistsAsync());
        Assert.NotEmpty(kept.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task The_retention_timer_deletes_agent_console_rings_past_the_retention_and_keeps_younger_ones()
    {
        await using var app = await StartAsync();
        var console = app.Host.Services.GetRequiredService<ConsoleStore>();
        // A ring names the caller's number and the agent who took it: personal data, kept as long as the calls.
        var old = await console.AddRingAsync(Ring("call-old", app.Time.GetUtcNow()), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromDays(60));
        var young = await console.AddRingAsync(Ring("call-young", app.Time.GetUtcNow()), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromDays(31));

        await app.Host.RunTimerAsync("Retention");

        Assert.Null(await console.GetRingAsync(old.CallId, CancellationToken.None));
        var kept = await console.GetRingAsync(young.CallId, CancellationToken.None);
        Assert.NotNull(kept);
        Assert.Equal("+14155550123", kept.CallerNumber);

        static RingRow Ring(string callId, DateTimeOffset at) => new()
        {
            CallId = callId + "-" + Guid.NewGuid().ToString("N")[..8],
            Queue = "support",
            State = RingState.Ended,
            TakenBy = "agent-1",
            CallerNumber = "+14155550123",
            CreatedAt = at,
        };
    }

    [Fact]
    public async Task Erasing_a_user_removes_everything_of_theirs_and_nothing_of_anyone_else_and_is_audited()
    {
        await using var app = await StartAsync();
        var mine = await EndedCallAsync(app, User);
        var theirs = await EndedCallAsync(app, OtherUser);
        var myDial = await ScheduleDialAsync(app, User);
        var theirDial = await ScheduleDialAsync(app, OtherUser);
        Assert.NotEmpty(await RowsAsync(app.TablePrefix + "CallPermissions", $"RowKey eq '{CallingApp.User}'"));

        // The key handed to integrations (a host key dials) cannot erase; nothing changes.
        using (var keyed = await app.Client.DeleteAsync(new Uri("api/users/" + CallingApp.User, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, keyed.StatusCode);
        }

        Assert.Equal("ended", (await app.GetCallAsync(mine)).GetProperty("state").GetString());

        using var admin = app.Host.CreateClient(app.Host.Keys.MasterKey);
        using var response = await admin.DeleteAsync(new Uri("api/users/" + CallingApp.User, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await CallingApp.ReadJsonAsync(response);
        var erased = body.GetProperty("erased");
        Assert.Equal(1, erased.GetProperty("calls").GetInt32());
        Assert.Equal(1, erased.GetProperty("recordings").GetInt32());
        Assert.Equal(1, erased.GetProperty("dials").GetInt32());
        Assert.Equal(1, erased.GetProperty("permissions").GetInt32());
        Assert.True(erased.GetProperty("events").GetInt32() > 1);
        Assert.True(erased.GetProperty("callbacks").GetInt32() >= 0);

        // Mine: gone everywhere.
        await AssertNotFoundAsync(app, "api/calls/" + mine);
        await AssertNotFoundAsync(app, "api/dials/" + myDial);
        Assert.False(await Recordings.GetBlobClient(mine + ".ogg").ExistsAsync());
        Assert.Empty(await RowsAsync(app.TablePrefix + "Calls", $"PartitionKey eq '{mine}'"));
        Assert.Empty(await RowsAsync(app.TablePrefix + "CallPermissions", $"RowKey eq '{CallingApp.User}'"));

        // Theirs: untouched.
        Assert.Equal("ended", (await app.GetCallAsync(theirs)).GetProperty("state").GetString());
        Assert.True(await Recordings.GetBlobClient(theirs + ".ogg").ExistsAsync());
        using (var dial = await app.Client.GetAsync(new Uri("api/dials/" + theirDial, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, dial.StatusCode);
        }

        Assert.NotEmpty(await RowsAsync(app.TablePrefix + "CallPermissions", "RowKey eq '14155550199'"));

        // The audit record: who, when, what, and the number masked, never in full.
        var auditId = body.GetProperty("auditId").GetString()!;
        var audit = Assert.Single(await RowsAsync(app.TablePrefix + "Audit", $"PartitionKey eq 'erasure' and RowKey eq '{auditId}'"));
        Assert.Equal("admin-key", audit.GetString("Actor"));
        Assert.Equal(1, audit.GetInt32("Calls"));
        Assert.Equal(app.Time.GetUtcNow(), audit.GetDateTimeOffset("At"));
        Assert.Equal(WaId.Parse(CallingApp.User, "user").Masked, audit.GetString("User"));
        Assert.DoesNotContain(audit, p => p.Value?.ToString()?.Contains(CallingApp.User, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_live_call_refuses_the_erasure_and_nothing_is_erased()
    {
        await using var app = await StartAsync();
        using var dial = await app.DialAsync(new { to = User });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);

        using var admin = app.Host.CreateClient(app.Host.Keys.MasterKey);
        using var response = await admin.DeleteAsync(new Uri("api/users/" + User, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("https://errors.serverless-calling.dev/user-has-live-call", problem.GetProperty("type").GetString());
        Assert.Equal([callId], problem.GetProperty("callIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("ringing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("%2B1415555012x")]
    public async Task A_bad_user_id_is_a_400_problem(string waId)
    {
        await using var app = await StartAsync();
        using var admin = app.Host.CreateClient(app.Host.Keys.MasterKey);

        using var response = await admin.DeleteAsync(new Uri("api/users/" + waId, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://errors.serverless-calling.dev/invalid-phone-number", (await CallingApp.ReadJsonAsync(response)).GetProperty("type").GetString());
    }

    private static async Task<CallingApp> StartAsync()
    {
        var app = await CallingApp.StartAsync();
        await Recordings.CreateIfNotExistsAsync();
        // The node stores each call's recording, as a real node does, and reports it with MediaEnded.
        app.Node.RecordingFor = callId => new RecordingInfo { BlobName = "recordings/" + callId + ".ogg", ContentType = "audio/ogg", DurationSeconds = 1, SizeBytes = 4 };
        return app;
    }

    /// <summary>A call to <paramref name="to"/> that rang, was hung up, and whose node reported a stored recording.</summary>
    private static async Task<string> EndedCallAsync(CallingApp app, string to)
    {
        using var dial = await app.DialAsync(new { to });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);
        await Recordings.GetBlobClient(callId + ".ogg").UploadAsync(BinaryData.FromBytes("OggS"u8.ToArray()));

        using (var hangup = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, hangup.StatusCode);
        }

        await app.Node.Acked<MediaEnded>(callId).WaitAsync(Timeout);
        Assert.Equal(JsonValueKind.Object, (await app.GetCallAsync(callId)).GetProperty("recording").ValueKind);
        return callId;
    }

    private static async Task<string> ScheduleDialAsync(CallingApp app, string to)
    {
        using var response = await app.Client.PostAsync(
            new Uri("api/dials", UriKind.Relative), JsonContent.Create(new { to, notBefore = app.Time.GetUtcNow().AddHours(1) }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await CallingApp.ReadJsonAsync(response)).GetProperty("id").GetString()!;
    }

    private static async Task AssertNotFoundAsync(CallingApp app, string path)
    {
        using var response = await app.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<List<TableEntity>> RowsAsync(string table, string filter)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in AzuriteTables.Client().GetTableClient(table).QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }

        return rows;
    }
}
