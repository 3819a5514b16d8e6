using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using static Serverless.MediaNode.Host.Tests.TestKit;

namespace Serverless.MediaNode.Host.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Gauges_ReportActiveCallsAndPendingEvents()
    {
        await using var node = await NodeHarness.StartAsync();
        // The factory caches meters by name: this is the very meter the node's instruments live on.
        var meter = node.App.Services.GetRequiredService<IMeterFactory>().Create(MediaNodeMetrics.Name);
        var values = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        node.Events.Down = true;

        await handler.HandleAsync(Outbound(NewCallId()), CancellationToken.None);
        await handler.HandleAsync(Outbound(NewCallId()), CancellationToken.None);
        listener.RecordObservableInstruments();

        Assert.Equal(2, values["medianode.calls.active"]);
        Assert.Equal(2, values["medianode.events.pending"]);
        Assert.Equal(0, values["medianode.events.dropped"]);
        node.Events.Down = false;
    }
}
