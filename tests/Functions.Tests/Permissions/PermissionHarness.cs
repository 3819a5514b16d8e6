using Serverless.Shared.WhatsApp.Graph.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Graph;
using Serverless.Functions.Hosting;
using Serverless.Functions.Permissions;
using Serverless.Functions.Tests.Calls;
using Serverless.Functions.Tests.Settings;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>
/// The permission service wired as in the app: real Graph client against a Kestrel stub, Table Storage in Azurite
/// (fresh table per harness), a fake clock. The stub answers call_permissions with <see cref="PermissionsJson"/>
/// and permission-request messages with <see cref="MessagesAnswer"/>.
/// </summary>
internal sealed class PermissionHarness : IAsyncDisposable
{
    public const string PhoneNumberId = "1234567";
    public const string WaId = "15550001111";
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = AzuriteTables.UniquePrefix();

    private PermissionHarness(GraphStub graph) => Graph = graph;

    public GraphStub Graph { get; }

    public FakeTimeProvider Clock { get; } = new(T0);

    public ServiceProvider Services { get; private set; } = null!;

    public IPermissionService Permissions => Services.GetRequiredService<IPermissionService>();

    /// <summary>What Graph says about the user right now.</summary>
    public string PermissionsJson { get; set; } = Json("no_permission");

    /// <summary>Answer to POST /messages.</summary>
    public (HttpStatusCode Status, string Json) MessagesAnswer { get; set; } =
        (HttpStatusCode.OK, """{"messaging_product":"whatsapp","contacts":[{"input":"15550001111","wa_id":"15550001111"}],"messages":[{"id":"wamid.REQ1"}]}""");

    /// <summary>Fake-clock times at which Graph saw call_permissions lookups.</summary>
    public List<DateTimeOffset> LookupTimes { get; } = [];

    /// <summary>One-shot answers for call_permissions lookups, used before <see cref="PermissionsJson"/>.</summary>
    public Queue<(HttpStatusCode Status, string Json)> LookupScript { get; } = new();

    public IReadOnlyList<GraphRequest> Lookups => [.. Graph.Requests.Where(r => r.Path.EndsWith("/call_permissions", StringComparison.Ordinal))];

    public IReadOnlyList<GraphRequest> Messages => [.. Graph.Requests.Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal))];

    public static async Task<PermissionHarness> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var harness = new PermissionHarness(await GraphStub.StartAsync());
        harness.Graph.Respond = harness.Answer;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(harness.Clock);
        services.AddSingleton<TableServiceClient>(AzuriteTables.Client());
        services.AddWhatsAppGraphClient(o =>
        {
            o.BaseUrl = harness.Graph.BaseUrl;
            o.AccessToken = "test-token";
            // Production's retry settings: the Graph client's retry is the one layer that repeats a 613.
        });
        // The one default business number is Meta:DefaultPhoneNumberId.
        services.Configure<MetaOptions>(o => { o.PhoneNumberIds.Add(PhoneNumberId); o.DefaultPhoneNumberId = PhoneNumberId; });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Permissions:TablePrefix"] = harness._prefix })
            .Build();
        services.AddCallPermissions(configuration);
        // Stamps each call_permissions attempt as it leaves our limiter (the gates run in order). Stamping where the
        // stub receives it would add the HTTP round trip, during which DriveAsync may already advance the fake clock.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGraphAttemptGate>(new AttemptStamp(harness)));
        configure?.Invoke(services);
        harness.Services = services.BuildServiceProvider();
        return harness;
    }

    /// <summary>Meta's call_permissions body.</summary>
    public static string Json(
        string status, DateTimeOffset? expires = null, bool canStartCall = true, int callsUsed = 0, int callsMax = 100,
        DateTimeOffset? callsReset = null, bool canRequest = true, DateTimeOffset? requestReset = null)
    {
        var expiry = expires is { } e ? $",\"expiration_time\":{e.ToUnixTimeSeconds()}" : "";
        var callReset = callsReset is { } c ? $",\"limit_expiration_time\":{c.ToUnixTimeSeconds()}" : "";
        var reqReset = requestReset is { } r ? $",\"limit_expiration_time\":{r.ToUnixTimeSeconds()}" : "";
        return "{\"messaging_product\":\"whatsapp\",\"permission\":{\"status\":\"" + status + "\"" + expiry + "}," +
            "\"actions\":[" +
            "{\"action_name\":\"send_call_permission_request\",\"can_perform_action\":" + (canRequest ? "true" : "false") +
            ",\"limits\":[{\"time_period\":\"PT24H\",\"max_allowed\":1,\"current_usage\":" + (canRequest ? 0 : 1) + reqReset + "}]}," +
            "{\"action_name\":\"start_call\",\"can_perform_action\":" + (canStartCall ? "true" : "false") +
            ",\"limits\":[{\"time_period\":\"PT24H\",\"max_allowed\":" + callsMax + ",\"current_usage\":" + callsUsed + callReset + "}]}]}";
    }

    /// <summary>Advances the fake clock in small steps until <paramref name="task"/> finishes (bounded).</summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 400)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Clock.Advance(step);
            // Lets continuations scheduled by the advance run; the loop ends as soon as the task does.
            await LetContinuationsRun(task);
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private (HttpStatusCode, string) Answer(GraphRequest request)
    {
        if (request.Path.EndsWith("/call_permissions", StringComparison.Ordinal))
        {
            lock (LookupTimes)
            {
                return LookupScript.TryDequeue(out var scripted) ? scripted : (HttpStatusCode.OK, PermissionsJson);
            }
        }

        return request.Path.EndsWith("/messages", StringComparison.Ordinal) ? MessagesAnswer : (HttpStatusCode.NotFound, "{}");
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Graph.DisposeAsync();
        await AzuriteTables.Client().DeleteTableAsync(_prefix + "CallPermissions");
    }

    // Waits briefly (real time) for work the clock advance released; ends at once when the task completes.
    private static async Task LetContinuationsRun(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromMilliseconds(5));
        }
        catch (TimeoutException)
        {
        }
    }
}

/// <summary>Records when each <c>call_permissions</c> attempt passed the rate limiter (see <see cref="PermissionHarness.LookupTimes"/>).</summary>
internal sealed class AttemptStamp(PermissionHarness harness) : IGraphAttemptGate
{
    public ValueTask EnterAsync(GraphAction action, CancellationToken cancellationToken)
    {
        if (action == GraphAction.GetCallPermissions)
        {
            lock (harness.LookupTimes)
            {
                harness.LookupTimes.Add(harness.Clock.GetUtcNow());
            }
        }

        return ValueTask.CompletedTask;
    }

    public void OnResponse(GraphAction action, HttpResponseMessage response)
    {
    }
}
