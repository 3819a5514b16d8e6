using System.Diagnostics;
using System.Diagnostics.Metrics;
using Serverless.Shared.Media;

namespace Serverless.MediaNode;

/// <summary>The node's OpenTelemetry instruments (meter and activity source <see cref="Name"/>).</summary>
public sealed class MediaNodeMetrics
{
    /// <summary>Meter and ActivitySource name.</summary>
    public const string Name = "Serverless.MediaNode";

    /// <summary>Traces of each command, continuing the command's W3C context.</summary>
    public static readonly ActivitySource Activities = new(Name);

    private readonly Counter<long> _packetsSent;
    private readonly Counter<long> _packetsReceived;
    private readonly Histogram<double> _loss;
    private readonly Histogram<double> _jitter;
    private readonly Histogram<double> _mos;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _eventRetries;
    private readonly Counter<long> _eventsRejected;
    private readonly Counter<long> _candidatePairs;
    private readonly Histogram<double> _ice;
    private readonly Histogram<double> _dtls;
    private readonly Histogram<double> _pacingLateness;

    /// <summary>
    /// Creates the instruments. The gauges read the session registry and the event outbox through delegates (wired by
    /// Hosting), so the sessions and events that record into these instruments stay above them, not beside them.
    /// </summary>
    public MediaNodeMetrics(IMeterFactory meterFactory, Func<int> activeCalls, Func<int> pendingEvents, Func<long> droppedEvents)
        : this(meterFactory, activeCalls, pendingEvents, droppedEvents, capacityLeft: null)
    {
    }

    /// <summary>As above, with the calls the node still takes (MaxCalls less active; 0 while draining).</summary>
    public MediaNodeMetrics(IMeterFactory meterFactory, Func<int> activeCalls, Func<int> pendingEvents, Func<long> droppedEvents, Func<int>? capacityLeft)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(activeCalls);
        ArgumentNullException.ThrowIfNull(pendingEvents);
        ArgumentNullException.ThrowIfNull(droppedEvents);
        var meter = meterFactory.Create(Name);
        meter.CreateObservableGauge("medianode.calls.active", activeCalls, "{call}", "Calls with a live peer");
        meter.CreateObservableGauge("medianode.events.pending", pendingEvents, "{event}", "Events waiting for delivery");
        meter.CreateObservableCounter("medianode.events.dropped", droppedEvents, "{event}", "Events refused by a full outbox");
        if (capacityLeft is not null)
        {
            meter.CreateObservableGauge("medianode.capacity.left", capacityLeft, "{call}", "New calls the node still takes (0 while draining)");
        }

        _calls = meter.CreateCounter<long>("medianode.calls.ended", "{call}", "Calls whose media ended");
        _candidatePairs = meter.CreateCounter<long>("medianode.ice.selected_pairs", "{call}", "Calls per ICE-selected candidate pair (tags local, remote: host/srflx/prflx/relay)");
        _ice = meter.CreateHistogram<double>("medianode.ice.duration", "ms", "Remote description applied → ICE pair selected, per call");
        _dtls = meter.CreateHistogram<double>("medianode.dtls.duration", "ms", "ICE pair selected → DTLS handshake done, per call (tag version)");
        _packetsSent = meter.CreateCounter<long>("medianode.rtp.packets_sent", "{packet}", "RTP packets sent (counted at call end)");
        _packetsReceived = meter.CreateCounter<long>("medianode.rtp.packets_received", "{packet}", "RTP packets received (counted at call end)");
        _loss = meter.CreateHistogram<double>("medianode.call.loss", "1", "Inbound loss fraction per call");
        _jitter = meter.CreateHistogram<double>("medianode.call.jitter", "ms", "Inbound interarrival jitter per call");
        _mos = meter.CreateHistogram<double>("medianode.call.mos", "1", "Estimated MOS per call (E-model)");
        _pacingLateness = meter.CreateHistogram<double>("medianode.pacing.lateness", "ms", "How late each pacer slot's last packet left against its offset on the 20 ms grid");
        _eventRetries = meter.CreateCounter<long>("medianode.events.retries", "{attempt}", "Failed event deliveries to be retried");
        _eventsRejected = meter.CreateCounter<long>("medianode.events.rejected", "{event}", "Events the Functions refused for good");
    }

    /// <summary>Records a finished call's statistics.</summary>
    public void CallEnded(MediaStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        _calls.Add(1);
        _packetsSent.Add(stats.PacketsSent);
        _packetsReceived.Add(stats.PacketsReceived);
        _loss.Record(MediaStats.LossFraction(stats.PacketsReceived, stats.PacketsLost));
        _jitter.Record(stats.JitterMs);
        if (stats.Mos is { } mos)
        {
            _mos.Record(mos);
        }

        if (stats.Transport is { } transport)
        {
            if (transport.LocalCandidateType is { } local && transport.RemoteCandidateType is { } remote)
            {
                _candidatePairs.Add(1, new KeyValuePair<string, object?>("local", local), new KeyValuePair<string, object?>("remote", remote));
            }

            if (transport.IceMs is { } ice)
            {
                _ice.Record(ice);
            }

            if (transport.DtlsMs is { } dtls)
            {
                _dtls.Record(dtls, new KeyValuePair<string, object?>("version", transport.DtlsVersion ?? "unknown"));
            }
        }
    }

    /// <summary>
    /// Records one pacer slot's lateness: its start against its due instant plus its duration, so the slot's last packet
    /// (the latest of the slot) left this late. Called on the pacer thread, ~500 times a second: allocates nothing.
    /// </summary>
    public void PacingObserved(TimeSpan lateness, TimeSpan duration) => _pacingLateness.Record((lateness + duration).TotalMilliseconds);

    /// <summary>An event delivery failed transiently.</summary>
    public void EventRetried() => _eventRetries.Add(1);

    /// <summary>An event was refused for good.</summary>
    public void EventRejected() => _eventsRejected.Add(1);
}
