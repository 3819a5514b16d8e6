using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio;

/// <summary>A call's audio without a network: the test is the pacer (it reads the source) and the receive thread.</summary>
public sealed class CallAudioTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryRecordingStore _store = new();
    private readonly RecordingEvents _events = new();
    private readonly byte[] _frame = new byte[OpusCodec.MaxPacketBytes];

    private CallAudio Create(params AudioStep[] steps) =>
        new("call-1", new AudioPlan(steps), new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance);

    private bool Tick(CallAudio audio) => audio.Source.TryReadFrame(_frame, out _);

    [Fact]
    public async Task Collect_StopsAtTheTerminator_WhichIsNotReported()
    {
        await using var audio = Create(new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)));
        var run = audio.RunAsync(_events, CancellationToken.None);

        audio.ReceiveDigit('1');
        audio.ReceiveDigit('2');
        audio.ReceiveDigit('#');
        await run.WaitAsync(Wait);

        Assert.Equal(["12"], _events.Digits);
        Assert.Equal(1, _events.Finished);
    }

    [Fact]
    public async Task Collect_StopsAtTheMaximumCount_AndLaterDigitsWaitForTheNextCollect()
    {
        await using var audio = Create(new CollectDigitsStep(3, null, TimeSpan.FromSeconds(5)), new CollectDigitsStep(1, null, TimeSpan.FromSeconds(5)));
        foreach (var digit in "1234")
        {
            audio.ReceiveDigit(digit); // typed ahead, before the plan even runs
        }

        await audio.RunAsync(_events, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(["123", "4"], _events.Digits);
    }

    [Fact]
    public async Task Collect_TimeoutReportsWhatArrived_MeasuredOnTheInjectedClock()
    {
        await using var audio = Create(new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)));
        var run = audio.RunAsync(_events, CancellationToken.None);
        audio.ReceiveDigit('7');

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await run.WaitAsync(Wait);

        Assert.Equal(["7"], _events.Digits);
    }

    [Fact]
    public async Task Collect_TimeoutWithNoDigits_ReportsNoDigitsButFinishesThePlan()
    {
        await using var audio = Create(new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(1)));
        var run = audio.RunAsync(_events, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(Wait);

        Assert.Empty(_events.Digits);
        Assert.Equal(1, _events.Finished);
    }

    [Fact]
    public async Task Tone_SendsOneFramePerTickForItsDuration_ThenTheSourceIsEmpty()
    {
        await using var audio = Create(new ToneStep(440, TimeSpan.FromMilliseconds(100)));
        var run = audio.RunAsync(_events, CancellationToken.None);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(Tick(audio)));
        await run.WaitAsync(Wait);

        Assert.False(Tick(audio)); // the peer sends its silence frame now
        Assert.Equal(1, _events.Finished);
    }

    [Fact]
    public async Task Pause_IsSilenceForItsTicks()
    {
        await using var audio = Create(new PauseStep(TimeSpan.FromMilliseconds(60)));
        var run = audio.RunAsync(_events, CancellationToken.None);

        Assert.False(Tick(audio));
        Assert.False(Tick(audio));
        Assert.False(run.IsCompleted);
        Assert.False(Tick(audio));
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task Hangup_AsksTheHost_AndNothingAfterItRuns()
    {
        await using var audio = Create(new HangupStep(), new ToneStep(440, TimeSpan.FromSeconds(1)));

        await audio.RunAsync(_events, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(1, _events.Hangups);
        Assert.Equal(0, _events.Finished);
        Assert.False(Tick(audio));
    }

    [Fact]
    public async Task DefaultPlan_EndsAtOnceWithoutEvents()
    {
        await using var audio = new CallAudio("call-1", AudioPlan.Default, new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance);

        await audio.RunAsync(_events, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(0, _events.Finished);
        Assert.False(Tick(audio));
    }

    [Fact]
    public async Task Echo_SendsTheCallersPacketsBackUnchanged()
    {
        await using var audio = Create(new EchoStep(TimeSpan.FromMilliseconds(100)));
        var run = audio.RunAsync(_events, CancellationToken.None);
        byte[] packet = [0x78, 1, 2, 3];

        audio.ReceivePacket(packet, 0);
        Assert.True(audio.Source.TryReadFrame(_frame, out var written));
        Assert.Equal(packet, _frame.AsSpan(0, written).ToArray());
        Assert.False(Tick(audio)); // nothing new arrived: silence, not a repeat
        for (var i = 0; i < 3; i++)
        {
            Tick(audio);
        }

        await run.WaitAsync(Wait);
        audio.ReceivePacket(packet, 960);
        Assert.False(Tick(audio)); // echo over
    }

    [Fact]
    public async Task Record_KeepsPacketsDuringTheStepOnly_AndCompleteStoresTheOggBlob()
    {
        await using var audio = Create(new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus));
        var packets = Codecs.EncodeTone(1000, 60);
        audio.ReceivePacket(packets[0], 0); // before the step: not recorded
        var run = audio.RunAsync(_events, CancellationToken.None);
        for (var i = 1; i <= 50; i++)
        {
            audio.ReceivePacket(packets[i], (uint)(i * 960));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(Wait);
        audio.ReceivePacket(packets[51], 51 * 960); // after the step: not recorded
        var name = await audio.CompleteAsync(CancellationToken.None);

        Assert.Equal("recordings/call-1.ogg", name);
        var stored = _store.Recordings[name!];
        Assert.Equal("audio/ogg", stored.ContentType);
        Assert.Equal(50 * 960, Recording.OggTestReader.ReadPages(stored.Content)[^1].Granule);
        Assert.Same(await audio.CompleteAsync(CancellationToken.None), name);
    }

    [Fact]
    public async Task ThePlan_RunsOnce()
    {
        await using var audio = Create(new PauseStep(TimeSpan.FromMilliseconds(20)));
        _ = audio.RunAsync(_events, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => audio.RunAsync(_events, CancellationToken.None));
    }

    [Fact]
    public async Task Complete_WithoutARecordStep_StoresNothing()
    {
        await using var audio = Create(new PauseStep(TimeSpan.FromMilliseconds(20)));

        Assert.Null(await audio.CompleteAsync(CancellationToken.None));
        Assert.Empty(_store.Recordings);
    }

    [Fact]
    public async Task AnUnplayablePrompt_IsSkipped_AndThePlanGoesOn()
    {
        await using var audio = Create(new PromptStep("no-such-prompt"), new CollectDigitsStep(1, null, TimeSpan.FromSeconds(5)));
        var run = audio.RunAsync(_events, CancellationToken.None);

        audio.ReceiveDigit('5');
        await run.WaitAsync(Wait);

        Assert.Equal(["5"], _events.Digits);
        Assert.Equal(1, _events.Finished);
    }

    [Fact]
    public async Task Cancellation_EndsARunningStep()
    {
        await using var audio = Create(new ToneStep(440, TimeSpan.FromSeconds(10)));
        using var cts = new CancellationTokenSource();
        var run = audio.RunAsync(_events, cts.Token);
        Assert.True(Tick(audio));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Wait));
        Assert.False(Tick(audio));
        Assert.Equal(0, _events.Finished);
    }
    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void ACallIdUnsafeAsABlobName_IsRefusedUpFrontWhenThePlanRecords(string callId)
    {
        var plan = new AudioPlan([new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus)]);
        Assert.Throws<ArgumentException>(() => new CallAudio(callId, plan, new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance));
    }

    [Fact]
    public async Task AFailedUpload_SurfacesFromComplete_ARetryStoresTheSameRecording_AndDisposeNeverThrows()
    {
        var store = new Recording.CallRecorderTests.FailingStore(_store, failCommits: 1);
        var audio = new CallAudio("call-1", new AudioPlan([new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus)]), new PromptCache(Codecs.Shared), store, _time, NullLogger.Instance);
        var run = audio.RunAsync(_events, CancellationToken.None);
        audio.ReceivePacket(Codecs.EncodeTone(440, 1)[0], 0);
        _time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(Wait);

        await Assert.ThrowsAsync<IOException>(() => audio.CompleteAsync(CancellationToken.None));
        var name = await audio.CompleteAsync(CancellationToken.None);
        await audio.DisposeAsync();

        Assert.Equal("recordings/call-1.ogg", name);
        Assert.Equal(960, Recording.OggTestReader.ReadPages(_store.Recordings[name!].Content)[^1].Granule);
    }

    [Fact]
    public async Task Play_ToneAfterTheDefaultPlan_SendsItsFrames_ThenTheSourceIsEmpty()
    {
        await using var audio = new CallAudio("call-1", AudioPlan.Default, new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance);
        await audio.RunAsync(_events, CancellationToken.None);
        var play = audio.PlayAsync(new Serverless.Shared.Media.PlayRequest { Kind = Serverless.Shared.Media.PlayKind.Tone, FrequencyHz = 440, Duration = TimeSpan.FromMilliseconds(100) }, CancellationToken.None);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(Tick(audio)));
        Assert.True(await play.WaitAsync(Wait));
        Assert.False(Tick(audio));
    }

    [Fact]
    public async Task Play_IsRefusedWhileThePlanRuns_AndForSpeech()
    {
        await using var audio = Create(new PauseStep(TimeSpan.FromMilliseconds(60)));
        var run = audio.RunAsync(_events, CancellationToken.None);
        var tone = new Serverless.Shared.Media.PlayRequest { Kind = Serverless.Shared.Media.PlayKind.Tone, FrequencyHz = 440 };

        Assert.True(audio.IsPlanRunning);
        Assert.False(await audio.PlayAsync(tone, CancellationToken.None));
        Tick(audio);
        Tick(audio);
        Tick(audio); // three 20 ms ticks end the pause
        await run.WaitAsync(Wait);
        Assert.False(audio.IsPlanRunning);
        Assert.False(await audio.PlayAsync(new Serverless.Shared.Media.PlayRequest { Kind = Serverless.Shared.Media.PlayKind.Speech, Text = "hello" }, CancellationToken.None));
    }
}
