using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.WebRtc.Testing;

/// <summary>Factories, tone sources and a paced PCM reader for peer tests on loopback.</summary>
public static class PeerTestKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static Task<PeerFactory> FactoryAsync(bool lite = false, MediaPacer? pacer = null) => PeerFactory.CreateAsync(
        new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
            Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = lite } },
        },
        pacer);

    /// <summary>Business offers, phone answers; completes when both are connected.</summary>
    public static async Task ConnectAsync(AudioPeer business, AudioPeer phone)
    {
        ArgumentNullException.ThrowIfNull(business);
        ArgumentNullException.ThrowIfNull(phone);
        var connected = Task.WhenAll(StateAsync(business, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));
        business.SetRemoteAnswer(phone.AcceptOffer(business.CreateOffer()));
        await connected.WaitAsync(Wait);
    }

    public static Task StateAsync(AudioPeer peer, PeerConnectionState wanted)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.StateChanged += (_, state) =>
        {
            if (state == wanted)
            {
                reached.TrySetResult();
            }
        };
        if (peer.State == wanted)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }

    /// <summary>Reads decoded audio at the real 20 ms pace and measures the frequency of the last second.</summary>
    public static async Task<double> HearAsync(AudioPeer peer, double expectedHz, TimeSpan limit)
    {
        var receiver = peer.Receiver!;
        var window = new short[OpusCodec.SampleRate];
        var frame = new short[OpusCodec.FrameSamples];
        var filled = 0;
        var last = 0.0;
        using var ticks = new PeriodicTimer(OpusCodec.FrameDuration);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && await ticks.WaitForNextTickAsync())
        {
            var kind = receiver.ReadFrame(frame);
            if (kind is not (AudioFrameKind.Decoded or AudioFrameKind.FecRecovered))
            {
                continue;
            }

            Array.Copy(window, frame.Length, window, 0, window.Length - frame.Length);
            frame.CopyTo(window, window.Length - frame.Length);
            if (++filled >= 50)
            {
                last = ToneDetector.EstimateFrequency(window);
                if (Math.Abs(last - expectedHz) <= 5)
                {
                    return last;
                }
            }
        }

        return last;
    }
}
