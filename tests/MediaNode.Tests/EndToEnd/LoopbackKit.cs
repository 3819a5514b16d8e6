using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.MediaNode.Tests.EndToEnd;

/// <summary>Two peers on 127.0.0.1: the business side (full ICE) and a Meta-like ICE-lite phone.</summary>
internal static class LoopbackKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static Task<PeerFactory> FactoryAsync(bool lite) => PeerFactory.CreateAsync(new PeerFactoryOptions
    {
        Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
        Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
        Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = lite } },
    });

    /// <summary>Business offers, phone answers; completes when both are connected.</summary>
    public static async Task ConnectAsync(AudioPeer business, AudioPeer phone)
    {
        var connected = Task.WhenAll(Connected(business), Connected(phone));
        business.SetRemoteAnswer(phone.AcceptOffer(business.CreateOffer()));
        await connected.WaitAsync(Wait);
    }

    /// <summary>Reads decoded audio at the real 20 ms pace until a second of it has the expected tone.</summary>
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
            if (receiver.ReadFrame(frame) is not (AudioFrameKind.Decoded or AudioFrameKind.FecRecovered))
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

    private static Task Connected(AudioPeer peer)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.StateChanged += (_, state) =>
        {
            if (state == PeerConnectionState.Connected)
            {
                reached.TrySetResult();
            }
        };
        if (peer.State == PeerConnectionState.Connected)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }
}

/// <summary>The phone's voice: one second of a tone, encoded once, sent in a loop (whole cycles, so seamless).</summary>
internal sealed class ToneLoopSource(double hz) : IAudioSource
{
    private readonly byte[][] _frames = Codecs.EncodeTone(hz, 50);
    private int _next;

    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        var frame = _frames[_next];
        _next = (_next + 1) % _frames.Length;
        frame.CopyTo(destination);
        written = frame.Length;
        return true;
    }
}
