using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Testing.FunctionsHost.Tests.Samples;

namespace Serverless.Testing.FunctionsHost.Tests;

/// <summary>Queue triggers served from Azurite as the queue extension serves them (scripts/test.sh starts Azurite).</summary>
public sealed class QueueTriggerTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly QueueServiceClient _service = new(TestHosts.AzuriteConnectionString);

    public async Task InitializeAsync()
    {
        foreach (var name in new[] { SampleQueueFunctions.WorkQueue, SampleQueueFunctions.FailingQueue, SampleQueueFunctions.FailingQueue + "-poison" })
        {
            var queue = _service.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static FunctionsTestHostOptions Options(bool serve = false, TimeProvider? time = null, string? hostJson = null)
    {
        var options = TestHosts.Options(hostJson);
        return new FunctionsTestHostOptions(options.FunctionsAssembly)
        {
            Keys = options.Keys,
            IncludeEnvironmentVariables = false,
            ConfigureServices = options.ConfigureServices,
            Settings = options.Settings,
            HostJsonPath = hostJson,
            ServeQueues = serve,
            TimeProvider = time ?? TimeProvider.System,
        };
    }

    // As the extension expects by default (messageEncoding base64).
    private async Task SendAsync(string queue, string text, TimeSpan? visibility = null) =>
        await _service.GetQueueClient(queue).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), visibility);

    [Fact]
    public async Task RunQueueAsync_delivers_each_visible_message_once_decoded_with_its_dequeue_count_and_deletes_it()
    {
        await using var host = await FunctionsTestHost.StartAsync(Options());
        var log = host.Services.GetRequiredService<InvocationLog>();
        await SendAsync(SampleQueueFunctions.WorkQueue, "first");
        await SendAsync(SampleQueueFunctions.WorkQueue, "second");

        Assert.Equal(2, await host.RunQueueAsync("work"));
        Assert.Equal(0, await host.RunQueueAsync("Work"));

        Assert.Equal(["Work first dequeue=1 cancelled=False", "Work second dequeue=1 cancelled=False"], log.Entries.Order(StringComparer.Ordinal));
        Assert.Empty((await _service.GetQueueClient(SampleQueueFunctions.WorkQueue).PeekMessagesAsync(32)).Value);
        await Assert.ThrowsAsync<ArgumentException>(() => host.RunQueueAsync("Sweep"));
    }

    [Fact]
    public async Task A_failing_message_is_retried_and_moved_to_the_poison_queue_after_five_dequeues()
    {
        await using var host = await FunctionsTestHost.StartAsync(Options());
        var log = host.Services.GetRequiredService<InvocationLog>();
        await SendAsync(SampleQueueFunctions.FailingQueue, "bad");

        for (var run = 1; run <= 5; run++)
        {
            Assert.Equal(1, await host.RunQueueAsync("FailingWork"));
        }

        Assert.Equal(0, await host.RunQueueAsync("FailingWork"));
        Assert.Equal(Enumerable.Range(1, 5).Select(n => $"FailingWork bad dequeue={n}"), log.Entries);
        Assert.Empty((await _service.GetQueueClient(SampleQueueFunctions.FailingQueue).PeekMessagesAsync(32)).Value);
        var poisoned = Assert.Single((await _service.GetQueueClient(SampleQueueFunctions.FailingQueue + "-poison").PeekMessagesAsync(32)).Value);
        Assert.Equal("bad", Encoding.UTF8.GetString(Convert.FromBase64String(poisoned.Body.ToString())));
    }

    [Fact]
    public async Task Host_json_max_dequeue_count_is_honoured()
    {
        var hostJson = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(hostJson, """{ "version": "2.0", "extensions": { "queues": { "maxDequeueCount": 2 } } }""");
        try
        {
            await using var host = await FunctionsTestHost.StartAsync(Options(hostJson: hostJson));
            await SendAsync(SampleQueueFunctions.FailingQueue, "bad");

            Assert.Equal(1, await host.RunQueueAsync("FailingWork"));
            Assert.Equal(1, await host.RunQueueAsync("FailingWork"));
            Assert.Equal(0, await host.RunQueueAsync("FailingWork"));

            Assert.Single((await _service.GetQueueClient(SampleQueueFunctions.FailingQueue + "-poison").PeekMessagesAsync(32)).Value);
        }
        finally
        {
            File.Delete(hostJson);
        }
    }

    [Fact]
    public async Task A_message_due_later_by_the_hosts_clock_waits_for_the_clock_and_is_not_charged_a_dequeue()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await FunctionsTestHost.StartAsync(Options(time: clock));
        var log = host.Services.GetRequiredService<InvocationLog>();
        var due = JsonSerializer.Serialize(new { dueAt = clock.GetUtcNow().AddMinutes(5), id = "later" });
        await SendAsync(SampleQueueFunctions.WorkQueue, due);
        await SendAsync(SampleQueueFunctions.WorkQueue, "now");

        Assert.Equal(1, await host.RunQueueAsync("Work"));
        Assert.Equal(0, await host.RunQueueAsync("Work"));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await host.RunQueueAsync("Work"));

        Assert.Equal(["Work now dequeue=1 cancelled=False", $"Work {due} dequeue=1 cancelled=False"], log.Entries);
    }

    [Fact]
    public async Task With_ServeQueues_the_host_polls_and_delivers_a_message_once_its_visibility_delay_has_passed()
    {
        await using var host = await FunctionsTestHost.StartAsync(Options(serve: true));
        var log = host.Services.GetRequiredService<InvocationLog>();

        await SendAsync(SampleQueueFunctions.WorkQueue, "delayed", TimeSpan.FromSeconds(1));
        await SendAsync(SampleQueueFunctions.WorkQueue, "at-once");

        await log.WaitForAsync(e => e.StartsWith("Work ", StringComparison.Ordinal), count: 2, Window);
        Assert.Equal(["Work at-once dequeue=1 cancelled=False", "Work delayed dequeue=1 cancelled=False"], log.Entries);
    }

    [Fact]
    public async Task A_queue_trigger_without_its_connection_is_not_served_and_the_rest_of_the_app_is()
    {
        var options = Options();
        var settings = new Dictionary<string, string?>(options.Settings);
        settings.Remove("SampleQueues");
        await using var host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(options.FunctionsAssembly)
        {
            Keys = options.Keys,
            IncludeEnvironmentVariables = false,
            ConfigureServices = options.ConfigureServices,
            Settings = settings,
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.RunQueueAsync("Work"));
        Assert.Contains("'SampleQueues' is not configured", error.Message, StringComparison.Ordinal);
        using var client = host.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("api/Ping", UriKind.Relative))).StatusCode);
    }
}
