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
        var registry = node.App.Services.GetRequiredService<Serverless.MediaNode.Sessions.SessionRegistry>();
        Assert.Equal(registry.MaxCalls - 2, values["medianode.capacity.left"]);
        node.Events.Down = false;
    }

    [Fact]
    public async Task A_call_end_records_its_ICE_pair_and_DTLS_times()
    {
        await using var node = await NodeHarness.StartAsync();
        var meter = node.App.Services.GetRequiredService<IMeterFactory>().Create(MediaNodeMetrics.Name);
        var measured = new ConcurrentQueue<(string Name, double Value, string Tags)>();
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
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.Start();

        node.App.Services.GetRequiredService<MediaNodeMetrics>().CallEnded(new MediaStats
        {
            PacketsReceived = 100,
            Transport = new MediaTransport { LocalCandidateType = "host", RemoteCandidateType = "relay", IceMs = 12.5, DtlsMs = 40, DtlsVersion = "DTLS 1.2" },
        });

        Assert.Contains(("medianode.ice.selected_pairs", 1.0, "local=host,remote=relay"), measured);
        Assert.Contains(("medianode.ice.duration", 12.5, ""), measured);
        Assert.Contains(("medianode.dtls.duration", 40.0, "version=DTLS 1.2"), measured);
    }

    [Fact]
    public async Task The_pacer_reports_each_slots_lateness_while_a_call_sends()
    {
        await using var node = await NodeHarness.StartAsync();
        var meter = node.App.Services.GetRequiredService<IMeterFactory>().Create(MediaNodeMetrics.Name);
        var lateness = new ConcurrentQueue<double>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "medianode.pacing.lateness")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lateness.Enqueue(value);
            if (lateness.Count >= 25)
            {
                enough.TrySetResult();
            }
        });
        listener.Start();
        var pacer = node.App.Services.GetRequiredService<Serverless.MediaNode.Sessions.PeerFactoryHost>().Factory.Pacer;
        var ticksBefore = pacer.TicksRun;
        Assert.Empty(lateness); // no call, no occupied slot: nothing sent, nothing measured

        using var meta = await PhoneFactoryAsync();
        var callId = NewCallId();
        await node.Commands.SendAsync(Outbound(callId));
        var offer = await node.Events.WaitForAsync<OfferReady>(callId);
        using var phone = meta.CreatePeer();
        await node.Commands.SendAsync(Answer(callId, node.NodeId, phone.AcceptOffer(offer.Sdp), sequence: 1));
        await node.Events.WaitForAsync<MediaConnected>(callId);
        await enough.Task.WaitAsync(Wait);
        var measured = lateness.ToArray();
        var ticks = pacer.TicksRun - ticksBefore;

        // One call occupies one slot: one measurement per tick at most, each a non-negative time.
        Assert.InRange(measured.Length, 25, ticks + 1);
        Assert.All(measured, ms => Assert.True(ms >= 0 && double.IsFinite(ms), $"lateness {ms} ms"));
        await node.Commands.SendAsync(HangupOf(callId, node.NodeId, sequence: 2));
        await node.Events.WaitForAsync<MediaEnded>(callId);
    }

    [Fact]
    public async Task Pacing_lateness_is_the_slots_start_lateness_plus_its_duration_in_milliseconds()
    {
        await using var node = await NodeHarness.StartAsync();
        var meter = node.App.Services.GetRequiredService<IMeterFactory>().Create(MediaNodeMetrics.Name);
        var measured = new ConcurrentQueue<(string Name, double Value)>();
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
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured.Enqueue((instrument.Name, value)));
        listener.Start();

        node.App.Services.GetRequiredService<MediaNodeMetrics>().PacingObserved(TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(0.5));

        Assert.Equal([("medianode.pacing.lateness", 3.5)], measured);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add(tag.Key + "=" + tag.Value);
        }

        return string.Join(",", parts.Order(StringComparer.Ordinal));
    }
}
