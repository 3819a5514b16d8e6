using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.WebRtc.Tests.Peer;

/// <summary>What a newcomer driving the library meets first: the README example, logging, and loud failures.</summary>
public sealed class PeerFactoryUsabilityTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>The minimal call of src/WebRtc/README.md, as written there (keep the two the same).</summary>
    [Fact]
    public async Task ReadmeMinimalCall_RunsAsWritten()
    {
        var options = new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
        };
        using var node = await PeerFactory.CreateAsync(options);
        using var otherSide = await PeerFactory.CreateAsync(options); // a browser or WhatsApp in real life

        using var caller = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        using var callee = otherSide.CreatePeer();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var digits = new ConcurrentQueue<char>();
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        callee.StateChanged += (_, state) =>
        {
            if (state == PeerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
        };
        callee.DtmfReceived += (_, digit) => digits.Enqueue(digit);
        callee.GoodbyeReceived += _ => hungUp.TrySetResult();

        string offer = caller.CreateOffer();          // send it to the other side over your signalling
        string answer = callee.AcceptOffer(offer);    // ...and its answer back
        caller.SetRemoteAnswer(answer);
        await connected.Task.WaitAsync(Wait);

        var opusPackets = 0;
        callee.Receiver!.OpusPacketReceived += (payload, rtpTimestamp, sequenceNumber) => Interlocked.Increment(ref opusPackets);
        await caller.SendDtmf("12#").WaitAsync(Wait); // completes once the last digit was sent
        caller.Dispose();                              // RTCP BYE, then DTLS close_notify
        await hungUp.Task.WaitAsync(Wait);

        Assert.True(SpinWait.SpinUntil(() => digits.Count == 3, Wait));
        Assert.Equal("12#", new string([.. digits]));
        Assert.True(Volatile.Read(ref opusPackets) > 0);
    }

    [Fact]
    public async Task NoCandidate_FailsLoudlyNamingTheOptionToSet()
    {
        var options = new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeInterfaces = false }, // nothing else configured either
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PeerFactory.CreateAsync(options));

        Assert.Contains("No ICE candidate", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CandidateGatheringOptions.IncludeLoopback), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyEventsAreLoggedThroughTheGivenLoggerFactory()
    {
        using var logs = new CollectingLoggerFactory();
        var options = new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
            LoggerFactory = logs,
        };
        using var node = await PeerFactory.CreateAsync(options);
        using var other = await PeerFactory.CreateAsync(options);
        var caller = node.CreatePeer();
        using var callee = other.CreatePeer();
        var connected = Task.WhenAll(Testing.PeerTestKit.StateAsync(caller, PeerConnectionState.Connected), Testing.PeerTestKit.StateAsync(callee, PeerConnectionState.Connected));
        caller.SetRemoteAnswer(callee.AcceptOffer(caller.CreateOffer()));
        await connected.WaitAsync(Wait);
        var bye = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        callee.GoodbyeReceived += _ => bye.TrySetResult();
        caller.Dispose();
        await bye.Task.WaitAsync(Wait);

        var events = logs.Entries.ToArray();
        Assert.Equal(2, events.Count(e => e.EventId == 7100)); // both ports ready
        Assert.Contains(events, e => e.EventId == 7110 && e.Message == $"Peer {caller.Ssrc} is Connected");
        Assert.Contains(events, e => e.EventId == 7112 && e.Message.StartsWith($"Peer {callee.Ssrc} media path selected: 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(events, e => e.EventId == 7114 && e.Message.Contains(callee.Ssrc.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains(events, e => e.EventId == 7110 && e.Message == $"Peer {caller.Ssrc} is Closed");
    }

    private sealed class CollectingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(int EventId, string Message)> Entries { get; } = new();

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public ILogger CreateLogger(string categoryName) => new Collector(this);

        public void Dispose()
        {
        }

        private sealed class Collector(CollectingLoggerFactory owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
