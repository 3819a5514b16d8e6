using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Recording;

public sealed class CallRecorderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const uint SixtySeconds = 60 * OpusCodec.SampleRate;
    private readonly InMemoryRecordingStore _store = new();

    [Fact]
    public async Task WavOption_DecodesThePackets_AndConcealsAGapSoTheTimelineIsTrue()
    {
        var packets = Codecs.EncodeTone(1000, 100);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.Wav, Codecs.Shared, _store);
        for (var i = 0; i < packets.Length; i++)
        {
            if (i is 40 or 41)
            {
                continue; // lost
            }

            recorder.Append(packets[i], 10_000 + (uint)(i * 960));
        }

        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal("recordings/call-1.wav", name);
        Assert.True(WavAudio.TryParse(_store.Recordings[name].Content, out var wav, out var error), error.ToString());
        Assert.Equal("audio/wav", recorder.ContentType);
        Assert.Equal(48_000, wav.SampleRate);
        Assert.Equal(1, wav.Channels);
        Assert.Equal(100 * 960, wav.FrameCount);
        Assert.InRange(ToneDetector.EstimateFrequency(wav.Samples.AsSpan(50 * 960)), 995, 1005);
        Assert.Equal(98, recorder.PacketsRecorded);
        Assert.Equal(2, recorder.Wav!.FramesConcealed);
        Assert.Equal(TimeSpan.FromSeconds(2), recorder.Duration);
        Assert.Equal(_store.Recordings[name].Content.Length, recorder.SizeBytes);
    }

    [Fact]
    public async Task OggOption_IsAnOggOpusFile_AndPacketsAfterCompleteAreIgnored()
    {
        await using var recorder = new CallRecorder("call-1", RecordingFormat.OggOpus, Codecs.Shared, _store);
        foreach (var (packet, i) in Codecs.EncodeTone(440, 10).Select((p, i) => (p, i)))
        {
            recorder.Append(packet, (uint)(i * 960));
        }

        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);
        recorder.Append(Codecs.EncodeTone(440, 1)[0], 10 * 960);
        var file = _store.Recordings[name].Content;

        Assert.Equal("recordings/call-1.ogg", name);
        Assert.Equal("audio/ogg", recorder.ContentType);
        Assert.Equal(10 * 960, OggTestReader.ReadPages(file)[^1].Granule);
        Assert.Equal(name, await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait));
        Assert.Equal(file, _store.Recordings[name].Content);
        Assert.Equal(file.Length, recorder.SizeBytes);
    }

    [Fact]
    public async Task TheReceivePath_OnlyQueues_DecodingAndGapFillingHappenOnTheWorker()
    {
        var packets = Codecs.EncodeTone(1000, 60);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.Wav, Codecs.Shared, _store, CallRecorder.DefaultBlockSize, CallRecorder.DefaultQueueCapacity, startWorker: false);

        for (var i = 0; i < packets.Length; i++)
        {
            recorder.Append(packets[i], unchecked((uint)i * SixtySeconds)); // each packet jumps +60 s
        }

        Assert.Equal(60, recorder.QueuedPackets);
        Assert.Equal(0, recorder.Wav!.FramesDecoded + recorder.Wav.FramesConcealed + recorder.Wav.FramesSilent);

        recorder.StartWorker();
        await recorder.DrainedAsync().WaitAsync(Wait);

        Assert.Equal(0, recorder.QueuedPackets);
        Assert.Equal(60, recorder.Wav.FramesDecoded);
    }

    [Fact]
    public async Task SixtyJumpsOfSixtySeconds_AreResyncs_OneDecodePerPacketAndNoFill()
    {
        var packets = Codecs.EncodeTone(1000, 60);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.Wav, Codecs.Shared, _store);
        for (var i = 0; i < packets.Length; i++)
        {
            recorder.Append(packets[i], unchecked((uint)i * SixtySeconds));
        }

        await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        // Before the cap this was 60 decodes and 59 × 3000 concealments (25.7 s of CPU on the receive thread).
        Assert.Equal(60, recorder.Wav!.FramesDecoded);
        Assert.Equal(0, recorder.Wav.FramesConcealed);
        Assert.Equal(0, recorder.Wav.FramesSilent);
        Assert.Equal(59, recorder.Resyncs);
        Assert.Equal(TimeSpan.FromMilliseconds(60 * 20), recorder.Duration);
    }

    [Fact]
    public async Task JumpsWithinTheFillLimit_ConcealAtMostFiveFramesEach_ThenSilence_SoTheTimelineIsKept()
    {
        const uint fiveSeconds = 5 * OpusCodec.SampleRate;
        var packets = Codecs.EncodeTone(1000, 60);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.Wav, Codecs.Shared, _store);
        for (var i = 0; i < packets.Length; i++)
        {
            recorder.Append(packets[i], (uint)i * fiveSeconds);
        }

        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        const int framesPerGap = (5 * 50) - 1;
        Assert.Equal(60, recorder.Wav!.FramesDecoded);
        Assert.Equal(59 * RecordingGaps.MaxConcealedFrames, recorder.Wav.FramesConcealed);
        Assert.Equal(59 * (framesPerGap - RecordingGaps.MaxConcealedFrames), recorder.Wav.FramesSilent);
        Assert.Equal(0, recorder.Resyncs);
        Assert.Equal(TimeSpan.FromSeconds(59 * 5) + OpusCodec.FrameDuration, recorder.Duration);
        Assert.Equal(WavRecordingWriter.HeaderSize + (recorder.Wav.Samples * 2), _store.Recordings[name].Content.Length);
    }

    [Fact]
    public async Task OggJumpsOfSixtySeconds_InsertNoConcealmentPackets()
    {
        var packets = Codecs.EncodeTone(1000, 60);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.OggOpus, Codecs.Shared, _store);
        for (var i = 0; i < packets.Length; i++)
        {
            recorder.Append(packets[i], unchecked((uint)i * SixtySeconds));
        }

        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(0, recorder.Ogg!.ConcealmentPacketsInserted);
        Assert.Equal(59, recorder.Resyncs);
        Assert.Equal(60 * 960, OggTestReader.ReadPages(_store.Recordings[name].Content)[^1].Granule);
    }

    [Fact]
    public async Task AFullQueue_DropsAndCountsPackets_WithoutBlockingTheReceiveThread()
    {
        var packet = Codecs.EncodeTone(1000, 1)[0];
        await using var recorder = new CallRecorder("call-1", RecordingFormat.OggOpus, Codecs.Shared, _store, CallRecorder.DefaultBlockSize, queueCapacity: 10, startWorker: false);

        for (var i = 0; i < 15; i++)
        {
            recorder.Append(packet, (uint)(i * 960));
        }

        Assert.Equal(10, recorder.QueuedPackets);
        Assert.Equal(5, recorder.PacketsDropped);
        await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(10, recorder.PacketsRecorded);
    }

    [Fact]
    public async Task AFailedBlockUpload_IsRetried_SoTheFileIsComplete()
    {
        var store = new FailingStore(_store, failStages: 1);
        var packets = Codecs.EncodeTone(1000, 50);
        await using var recorder = new CallRecorder("call-1", RecordingFormat.Wav, Codecs.Shared, store, blockSize: 16 * 1024, CallRecorder.DefaultQueueCapacity, startWorker: true);
        for (var i = 0; i < 200; i++)
        {
            recorder.Append(packets[i % 50], (uint)(i * 960));
        }

        var name = await recorder.CompleteAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(1, store.FailedStages);
        Assert.True(WavAudio.TryParse(_store.Recordings[name].Content, out var wav, out var error), error.ToString());
        Assert.Equal(200 * 960, wav.FrameCount);
    }

    /// <summary>Fails the first stage attempts (and optionally commits) with an IOException, then passes through.</summary>
    internal sealed class FailingStore(IRecordingStore inner, int failStages = 0, int failCommits = 0) : IRecordingStore
    {
        private int _stages;
        private int _commits;

        public int FailedStages => Math.Min(Volatile.Read(ref _stages), failStages);

        public IRecordingUpload Open(string callId, string contentType) => new Upload(this, inner.Open(callId, contentType));

        private sealed class Upload(FailingStore owner, IRecordingUpload upload) : IRecordingUpload
        {
            public string Name => upload.Name;

            public Task StageBlockAsync(int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref owner._stages) <= owner.FailStages
                    ? Task.FromException(new IOException("storage down"))
                    : upload.StageBlockAsync(index, content, cancellationToken);

            public Task<string> CommitAsync(IReadOnlyList<int> order, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref owner._commits) <= owner.FailCommits
                    ? Task.FromException<string>(new IOException("storage down"))
                    : upload.CommitAsync(order, cancellationToken);
        }

        private int FailStages => failStages;

        private int FailCommits => failCommits;
    }
}
