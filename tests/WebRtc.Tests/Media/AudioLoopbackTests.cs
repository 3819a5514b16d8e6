using Microsoft.Extensions.Time.Testing;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>
/// Sender and receiver wired in memory through a scripted network, one 20 ms tick at a time on a fake clock:
/// 440 Hz in, 440 Hz out, through loss and reordering.
/// </summary>
public sealed class AudioLoopbackTests
{
    private const int Frames = 150; // 3 s

    [Fact]
    public void Tone_sent_through_AudioSendStream_decodes_at_440_Hz()
    {
        var result = RunCall(dropFrame: _ => false, delayTicks: _ => 0);

        Assert.Equal(Frames, result.Receiver.FramesDecoded);
        Assert.Equal(0, result.Receiver.FramesFecRecovered + result.Receiver.FramesConcealed);
        Assert.Equal(440, ToneDetector.EstimateFrequency(result.Pcm.AsSpan(5 * OpusCodec.FrameSamples)), 5.0);
        Assert.Equal(0, result.Reporter.GetStats().CumulativeLost);
    }

    [Fact]
    public void Ten_percent_loss_and_reordering_within_60_ms_still_decode_every_frame_at_440_Hz()
    {
        // Deterministic: every 10th packet lost (10 %), delays of 0-60 ms in a pattern that reorders.
        static bool Drop(int frame) => frame % 10 == 3;
        static int Delay(int frame) => (frame % 4) switch { 0 => 0, 1 => 3, 2 => 1, _ => 2 }; // ticks: 2 overtakes 1, 4 overtakes 3
        var dropped = Enumerable.Range(0, Frames).Count(Drop);

        var result = RunCall(Drop, Delay);
        var receiver = result.Receiver;

        // Frames out = frames in: each lost frame is concealed in place, and playout never ran dry mid-call.
        Assert.Equal(Frames - dropped, receiver.FramesDecoded);
        Assert.Equal(Frames, receiver.FramesDecoded + receiver.FramesFecRecovered + receiver.FramesConcealed);
        Assert.Equal(1, receiver.FramesUnderrun); // only the read that found the call over
        Assert.DoesNotContain(AudioFrameKind.Underrun, result.KindsDuringCall);

        // The next packet was always there in time (no two consecutive losses, delays under the buffer
        // depth), so every lost frame whose successor carries LBRR was rebuilt from FEC and only the others
        // fell back to PLC. (SILK's VAD stops coding LBRR once a steady tone reads as background, so a pure
        // tone has FEC data only in its first ~0.7 s.)
        var withFec = Enumerable.Range(0, Frames).Count(f => Drop(f) && OpusPacket.HasInbandFec(result.SentPayloads[f + 1]));
        Assert.True(withFec > 0);
        Assert.Equal(withFec, receiver.FramesFecRecovered);
        Assert.Equal(dropped - withFec, receiver.FramesConcealed);

        Assert.Equal(440, ToneDetector.EstimateFrequency(result.Pcm.AsSpan(5 * OpusCodec.FrameSamples)), 5.0);

        // Statistics see exactly the drops: RFC 3550 A.3 over the whole call as one report interval.
        var stats = result.Reporter.GetStats();
        Assert.Equal(Frames - dropped, stats.PacketsReceived);
        Assert.Equal(dropped, stats.CumulativeLost);
        Assert.Equal(((dropped << 8) / Frames) / 256.0, stats.FractionLost);
        Assert.True(result.Receiver.GetStatistics().Reordered > 0);
        Assert.True(stats.JitterMilliseconds > 0);
    }

    private static CallResult RunCall(Func<int, bool> dropFrame, Func<int, int> delayTicks)
    {
        var time = new FakeTimeProvider();
        var receiver = new AudioReceiveStream(
            new AudioReceiveStreamOptions { PayloadType = MediaTestKit.OpusPt },
            MediaTestKit.Codecs,
            time);
        var inFlight = new List<(int DeliverAt, byte[] Packet)>();
        var sentPayloads = new List<byte[]>();
        var frameIndex = 0;
        var source = new PcmEncodingSource(MediaTestKit.Codecs.CreateEncoder());
        var sender = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = 0xABCD, PayloadType = MediaTestKit.OpusPt },
            source,
            MediaTestKit.Codecs.SilenceFrame,
            packet =>
            {
                sentPayloads.Add(MediaTestKit.Parse(packet.ToArray()).Payload);
                if (!dropFrame(frameIndex))
                {
                    inFlight.Add((frameIndex + delayTicks(frameIndex), packet.ToArray()));
                }
            },
            time);
        using var pacer = new MediaPacer(time);
        pacer.Register(sender);
        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = 1, CanonicalName = "rx" }, time, null, receiver);

        var tone = new ToneGenerator(440);
        var pcmIn = new short[OpusCodec.FrameSamples];
        var pcmOut = new List<short>();
        var frame = new short[OpusCodec.FrameSamples];
        var kinds = new List<AudioFrameKind>();
        for (var tick = 0; ; tick++)
        {
            if (tick < Frames)
            {
                tone.Fill(pcmIn);
                source.Write(pcmIn);
                frameIndex = tick;
                time.Advance(OpusCodec.FrameDuration);
                Assert.Equal(1, pacer.RunDueTicks());
            }
            else
            {
                time.Advance(OpusCodec.FrameDuration);
            }

            foreach (var (_, packet) in inFlight.Where(p => p.DeliverAt == tick).ToList())
            {
                receiver.ProcessRtp(packet);
            }

            inFlight.RemoveAll(p => p.DeliverAt == tick);
            var kind = receiver.ReadFrame(frame);
            if (tick >= Frames && inFlight.Count == 0 && kind is AudioFrameKind.Underrun or AudioFrameKind.Silence)
            {
                break; // drained
            }

            if (kind != AudioFrameKind.Silence)
            {
                kinds.Add(kind);
                pcmOut.AddRange(frame);
            }
        }

        // Close the A.3 interval so the fraction lost covers the whole call.
        Assert.True(reporter.TryWriteReport(new byte[reporter.MaxReportLength], out _));
        return new CallResult(receiver, reporter, [.. pcmOut], kinds, sentPayloads);
    }

    private sealed record CallResult(AudioReceiveStream Receiver, RtcpReporter Reporter, short[] Pcm, List<AudioFrameKind> KindsDuringCall, List<byte[]> SentPayloads);
}
