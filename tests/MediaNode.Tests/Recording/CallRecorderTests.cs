using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Recording;

public sealed class CallRecorderTests
{
    [Fact]
    public void WavOption_DecodesThePackets_AndConcealsAGapSoTheTimelineIsTrue()
    {
        var packets = Codecs.EncodeTone(1000, 100);
        using var recorder = new CallRecorder(RecordingFormat.Wav, Codecs.Shared);
        for (var i = 0; i < packets.Length; i++)
        {
            if (i is 40 or 41)
            {
                continue; // lost
            }

            recorder.Append(packets[i], 10_000 + (uint)(i * 960));
        }

        Assert.True(WavAudio.TryParse(recorder.Finish(), out var wav, out var error), error.ToString());

        Assert.Equal("audio/wav", recorder.ContentType);
        Assert.Equal(48_000, wav.SampleRate);
        Assert.Equal(1, wav.Channels);
        Assert.Equal(100 * 960, wav.FrameCount);
        Assert.InRange(ToneDetector.EstimateFrequency(wav.Samples.AsSpan(50 * 960)), 995, 1005);
        Assert.Equal(98, recorder.PacketsRecorded);
    }

    [Fact]
    public void OggOption_IsAnOggOpusFile_AndPacketsAfterFinishAreIgnored()
    {
        using var recorder = new CallRecorder(RecordingFormat.OggOpus, Codecs.Shared);
        foreach (var (packet, i) in Codecs.EncodeTone(440, 10).Select((p, i) => (p, i)))
        {
            recorder.Append(packet, (uint)(i * 960));
        }

        var file = recorder.Finish();
        recorder.Append(Codecs.EncodeTone(440, 1)[0], 10 * 960);

        Assert.Equal("audio/ogg", recorder.ContentType);
        Assert.Equal(10 * 960, OggTestReader.ReadPages(file)[^1].Granule);
        Assert.Equal(file, recorder.Finish());
    }
}
