using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using static Serverless.MediaNode.Host.Tests.TestKit;

namespace Serverless.MediaNode.Host.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task EachCommand_IsTracedInTheCommandsTrace_AndItsEventsCarryIt()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var parent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
        var seen = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MediaNodeMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    seen.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var node = await NodeHarness.StartAsync();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var callId = NewCallId();

        await handler.HandleAsync(Outbound(callId) with { TraceParent = parent, TraceState = null }, CancellationToken.None);
        var offer = await node.Events.WaitForAsync<OfferReady>(callId);

        var span = Assert.Single(seen);
        Assert.Equal("MediaNode StartOutbound", span.OperationName);
        Assert.Equal(callId, span.GetTagItem("call.id"));
        Assert.True(offer.Trace.TryGetActivityContext(out var eventContext));
        Assert.Equal(traceId, eventContext.TraceId);
    }
}
