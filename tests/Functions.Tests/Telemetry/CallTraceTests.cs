using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Serverless.Functions.Telemetry;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Tests.Telemetry;

/// <summary>
/// With the app's OpenTelemetry registration (<see cref="TelemetryServiceCollectionExtensions.AddCallingTelemetry"/>)
/// and an in-memory span collector in place of the Azure Monitor exporter: the dial request, the node's handling of
/// the command it sent (the real <see cref="CommandProcessor"/> over the in-memory transport) and the node's event
/// back over HTTP are one trace.
/// </summary>
public sealed class CallTraceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_dial_request_the_command_handling_and_the_event_back_share_one_trace_id()
    {
        var spans = new SpanCollector();
        await using var app = await CallingApp.StartAsync(afterRegistration: services =>
            services.AddCallingTelemetry(new ConfigurationBuilder().Build()).WithTracing(tracing => tracing.AddProcessor(spans)));

        using var dial = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString();
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);

        // The node's handling of this call's StartOutbound (tagged with the call id; other tests' spans may be recorded too).
        var command = await spans.WaitForAsync(s => s.Source.Name == CommandProcessor.ActivitySource.Name && (s.GetTagItem("media.call_id") as string) == callId, Timeout);
        Assert.Equal("media.command StartOutbound", command.DisplayName);
        Assert.Equal(ActivityKind.Consumer, command.Kind);

        // It descends from the dial request: the trace's root is this test's POST /api/calls (its HttpClient span),
        // whose server span, the dial request, is an ancestor of the command handling.
        var root = await spans.WaitForAsync(s => s.TraceId == command.TraceId && s.ParentSpanId == default, Timeout);
        Assert.Equal(TelemetryServiceCollectionExtensions.HttpClientSource, root.Source.Name);
        Assert.Equal("POST", root.GetTagItem("http.request.method"));
        Assert.EndsWith("/api/calls", root.GetTagItem("url.full") as string, StringComparison.Ordinal);
        var ancestors = Ancestors(command, spans);
        Assert.Contains(root.SpanId, ancestors);
        var dialRequest = spans.Find(ancestors[ancestors.IndexOf(root.SpanId) - 1]);
        Assert.NotNull(dialRequest);
        Assert.Equal(TelemetryServiceCollectionExtensions.AspNetCoreSource, dialRequest.Source.Name);
        Assert.Equal(ActivityKind.Server, dialRequest.Kind);

        // The node posted OfferReady while handling the command: the media events request continues the same trace.
        var eventBack = await spans.WaitForAsync(
            s => s.Source.Name == TelemetryServiceCollectionExtensions.AspNetCoreSource && s.TraceId == command.TraceId && Ancestors(s, spans).Contains(command.SpanId),
            Timeout);
        Assert.Equal(ActivityKind.Server, eventBack.Kind);
    }

    /// <summary>The span ids above <paramref name="span"/> among the recorded spans (unrecorded links end the walk).</summary>
    private static List<ActivitySpanId> Ancestors(Activity span, SpanCollector spans)
    {
        var ancestors = new List<ActivitySpanId>();
        var parent = span.ParentSpanId;
        while (parent != default && ancestors.Count < 64)
        {
            ancestors.Add(parent);
            parent = spans.Find(parent)?.ParentSpanId ?? default;
        }

        return ancestors;
    }

    /// <summary>Keeps every ended span (OpenTelemetry calls OnEnd when a recorded span stops) and wakes waiters.</summary>
    private sealed class SpanCollector : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> _ended = new();
        private readonly ConcurrentDictionary<TaskCompletionSource, byte> _waiters = new();

        public override void OnEnd(Activity data)
        {
            _ended.Enqueue(data);
            foreach (var waiter in _waiters.Keys)
            {
                waiter.TrySetResult();
            }
        }

        public Activity? Find(ActivitySpanId spanId) => _ended.FirstOrDefault(s => s.SpanId == spanId);

        public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            while (true)
            {
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters[signal] = 0;
                try
                {
                    if (_ended.FirstOrDefault(match) is { } found)
                    {
                        return found;
                    }

                    await signal.Task.WaitAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException("No such span ended; ended: " + string.Join(", ", _ended.Select(s => $"{s.Source.Name}:{s.DisplayName}:{s.TraceId}")));
                }
                finally
                {
                    _waiters.TryRemove(signal, out _);
                }
            }
        }
    }
}
