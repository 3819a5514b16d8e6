using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
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
    public async Task Record_WithATerminator_EndsWhenItIsPressed_ThenTheNextStepRuns()
    {
        await using var audio = Create(
            new RecordStep(TimeSpan.FromSeconds(60), RecordingFormat.OggOpus) { Terminator = '#' }, new HangupStep());
        audio.ReceiveDigit('#'); // typed before the step: does not end it
        var run = audio.RunAsync(_events, CancellationToken.None);

        audio.ReceiveDigit('5');
        Assert.False(run.IsCompleted);
        audio.ReceiveDigit('#');
        await run.WaitAsync(Wait);

        Assert.Equal(1, _events.Hangups);
        Assert.Equal(0, _events.Finished);
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
        var recording = await audio.CompleteAsync(CancellationToken.None);

        Assert.NotNull(recording);
        Assert.Equal("recordings/call-1.ogg", recording.BlobName);
        var stored = _store.Recordings[recording.BlobName];
        Assert.Equal("audio/ogg", stored.ContentType);
        Assert.Equal(50 * 960, Recording.OggTestReader.ReadPages(stored.Content)[^1].Granule);
        // What the node reports is what it stored: 50 packets of 20 ms, and the blob's own size and type.
        Assert.Equal(1.0, recording.DurationSeconds, 6);
        Assert.Equal(stored.Content.Length, recording.SizeBytes);
        Assert.Equal(stored.ContentType, recording.ContentType);
        Assert.Same(await audio.CompleteAsync(CancellationToken.None), recording);
    }

    [Fact]
    public async Task Record_EndsWhenItHoldsMaxDurationOfMedia_BeforeTheClockRunsOut()
    {
        await using var audio = Create(new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus));
        var packets = Codecs.EncodeTone(1000, 50);
        var run = audio.RunAsync(_events, CancellationToken.None);
        for (var i = 0; i < 49; i++)
        {
            audio.ReceivePacket(packets[i], (uint)(i * 960));
        }

        Assert.False(run.IsCompleted);
        audio.ReceivePacket(packets[49], 49 * 960); // the 50th 20 ms frame fills the second: no clock advance needed
        await run.WaitAsync(Wait);

        var recording = await audio.CompleteAsync(CancellationToken.None);
        Assert.Equal(50 * 960, Recording.OggTestReader.ReadPages(_store.Recordings[recording!.BlobName].Content)[^1].Granule);
    }

    [Fact]
    public async Task Record_WhoseMediaRunsLateButStillFlows_WaitsForIt_SoTheRecordingHoldsWhatWasAsked()
    {
        await using var audio = Create(new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus));
        var packets = Codecs.EncodeTone(1000, 50);
        var run = audio.RunAsync(_events, CancellationToken.None);
        for (var i = 0; i < 30; i++)
        {
            audio.ReceivePacket(packets[i], (uint)(i * 960));
        }

        _time.Advance(TimeSpan.FromMilliseconds(950));
        audio.ReceivePacket(packets[30], 30 * 960); // a busy phone: 31 frames of media at 950 ms, still arriving
        _time.Advance(TimeSpan.FromMilliseconds(50)); // the step's 1 s on the clock
        Assert.False(run.IsCompleted);
        for (var i = 31; i < 50; i++)
        {
            audio.ReceivePacket(packets[i], (uint)(i * 960));
        }

        await run.WaitAsync(Wait);
        var recording = await audio.CompleteAsync(CancellationToken.None);
        Assert.Equal(50 * 960, Recording.OggTestReader.ReadPages(_store.Recordings[recording!.BlobName].Content)[^1].Granule);
    }

    [Fact]
    public async Task Record_WhoseMediaStoppedBeforeTheDeadline_EndsOnTheClock()
    {
        await using var audio = Create(new RecordStep(TimeSpan.FromSeconds(1), RecordingFormat.OggOpus));
        var packets = Codecs.EncodeTone(1000, 10);
        var run = audio.RunAsync(_events, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            audio.ReceivePacket(packets[i], (uint)(i * 960));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(Wait);
        var recording = await audio.CompleteAsync(CancellationToken.None);
        Assert.Equal(10 * 960, Recording.OggTestReader.ReadPages(_store.Recordings[recording!.BlobName].Content)[^1].Granule);
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
    public async Task AMissingPrompt_StopsThePlanWithPromptNotFound_NamingTheStepButNotTheSource()
    {
        await using var audio = Create(new ToneStep(440, TimeSpan.FromMilliseconds(20)), new PromptStep("no-such-prompt"), new CollectDigitsStep(1, null, TimeSpan.FromSeconds(5)));
        var run = audio.RunAsync(_events, CancellationToken.None);
        Assert.True(Tick(audio));

        var failure = await Assert.ThrowsAsync<PromptException>(() => run.WaitAsync(Wait));

        Assert.Equal(PromptError.NotFound, failure.Error);
        Assert.StartsWith("Step 1:", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-prompt", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_events.Inputs);
        Assert.Equal(0, _events.Finished);
    }

    [Fact]
    public async Task Collect_ReportsItsResult_WithHowItEnded_TheStepName_AndTimesOnTheInjectedClock()
    {
        var started = _time.GetUtcNow();
        await using var audio = Create(
            new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)) { Name = "pin" },
            new CollectDigitsStep(2, null, TimeSpan.FromSeconds(5)),
            new CollectDigitsStep(3, '#', TimeSpan.FromSeconds(2)));
        foreach (var digit in "12#34")
        {
            audio.ReceiveDigit(digit); // typed ahead: the first two steps end at once, the third waits for its timeout
        }

        var run = audio.RunAsync(_events, CancellationToken.None);
        Assert.Equal(2, _events.Inputs.Count);
        _time.Advance(TimeSpan.FromSeconds(2));
        await run.WaitAsync(Wait);

        var inputs = _events.Inputs.ToArray();
        Assert.Equal([0, 1, 2], inputs.Select(i => i.Step));
        Assert.Equal(("12", InputEnd.Terminator, "#", "pin"), (inputs[0].Input.Digits, inputs[0].Input.EndedBy, inputs[0].Input.Terminator, inputs[0].Input.Name));
        Assert.Equal(("34", InputEnd.MaxDigits, (string?)null, (string?)null), (inputs[1].Input.Digits, inputs[1].Input.EndedBy, inputs[1].Input.Terminator, inputs[1].Input.Name));
        Assert.Equal(("", InputEnd.Timeout), (inputs[2].Input.Digits, inputs[2].Input.EndedBy));
        Assert.Equal((started, started), (inputs[0].Input.StartedAt, inputs[0].Input.EndedAt));
        Assert.Equal(started + TimeSpan.FromSeconds(2), inputs[2].Input.EndedAt);
    }

    [Fact]
    public async Task DigitsNoCollectStepWaitsFor_AreReportedAsTheyArrive_IncludingLeftOverTypeAhead()
    {
        await using var audio = Create(new CollectDigitsStep(2, null, TimeSpan.FromSeconds(5)), new ToneStep(440, TimeSpan.FromMilliseconds(20)));
        var unprompted = new List<char>();
        audio.UnpromptedDigit += unprompted.Add;
        foreach (var digit in "1234")
        {
            audio.ReceiveDigit(digit); // typed ahead: the collect step takes two, two are left over
        }

        var run = audio.RunAsync(_events, CancellationToken.None); // the collect step ends at once; the tone plays

        audio.ReceiveDigit('9'); // during the tone, after the last collect step
        for (var frames = 0; frames < 10 && !run.IsCompleted; frames++)
        {
            Tick(audio);
        }

        await run.WaitAsync(Wait);

        Assert.Equal(["12"], _events.Digits);
        Assert.Equal("349", new string([.. unprompted]));
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
        var recording = await audio.CompleteAsync(CancellationToken.None);
        await audio.DisposeAsync();

        Assert.Equal("recordings/call-1.ogg", recording?.BlobName);
        Assert.Equal(960, Recording.OggTestReader.ReadPages(_store.Recordings[recording!.BlobName].Content)[^1].Granule);
    }

    [Fact]
    public async Task A_hangup_during_a_10_minute_tone_is_taken_at_the_next_tick_while_the_tone_is_still_being_encoded()
    {
        var prompts = new PromptCache(Codecs.Shared);
        await using var audio = new CallAudio("call-1", new AudioPlan([new ToneStep(440, TimeSpan.FromMinutes(10))]), prompts, _store, _time, NullLogger.Instance);
        using var call = new CancellationTokenSource();

        // The step starts playing on its first second while the other 29,950 frames are still being encoded.
        var run = audio.RunAsync(_events, call.Token);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(Tick(audio)));
        var tone = prompts.GetTone(440, TimeSpan.FromMinutes(10));
        Assert.True(tone.EncodedCount < tone.Length, $"{tone.EncodedCount} of {tone.Length} frames encoded before the tone played");

        // The caller hangs up 10 frames in: the plan ends and the very next tick sends nothing.
        await call.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Wait));
        Assert.False(Tick(audio));
        Assert.Equal(0, _events.Finished);
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
    public async Task Play_OverARunningPlan_HoldsThePlansClip_WhichResumesWhereItWas()
    {
        await using var audio = Create(new PauseStep(TimeSpan.FromMilliseconds(60)));
        var run = audio.RunAsync(_events, CancellationToken.None);
        Assert.False(Tick(audio)); // one of the pause's three ticks

        var play = audio.PlayAsync(new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 1000, Duration = TimeSpan.FromMilliseconds(100) }, CancellationToken.None);
        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(Tick(audio))); // the tone's five frames, the pause held
        Assert.True(await play.WaitAsync(Wait));
        Assert.True(audio.IsPlanRunning);
        Assert.False(run.IsCompleted);

        Assert.False(Tick(audio));
        Assert.False(Tick(audio)); // the pause's last two ticks
        await run.WaitAsync(Wait);
        Assert.Equal(1, _events.Finished);
        Assert.False(await audio.PlayAsync(new PlayRequest { Kind = PlayKind.Prompt }, CancellationToken.None));
    }

    [Fact]
    public async Task Play_WithBargeIn_EndsAtTheCallersDigit_WhichTheNextCollectGets()
    {
        await using var audio = new CallAudio("call-1", AudioPlan.Default, new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance);
        await audio.RunAsync(_events, CancellationToken.None);
        var play = audio.PlayAsync(
            new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 440, Duration = TimeSpan.FromSeconds(1), BargeIn = true, Collect = new PlayCollect { MaxDigits = 1, Timeout = TimeSpan.FromSeconds(5) } },
            CancellationToken.None);
        Assert.True(Tick(audio));

        audio.ReceiveDigit('5');
        Assert.True(await play.WaitAsync(Wait));
        Assert.False(Tick(audio)); // the rest of the second is not sent
        Assert.Equal("5", (await audio.CollectAsync(new CollectDigitsStep(1, null, TimeSpan.FromSeconds(5)), CancellationToken.None).WaitAsync(Wait)).Digits);
    }

    [Fact]
    public async Task Play_ThatCollects_IgnoresDigitsPressedBeforeIt()
    {
        await using var audio = new CallAudio("call-1", AudioPlan.Default, new PromptCache(Codecs.Shared), _store, _time, NullLogger.Instance);
        await audio.RunAsync(_events, CancellationToken.None);
        audio.ReceiveDigit('9');
        var play = audio.PlayAsync(
            new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 440, Duration = TimeSpan.FromMilliseconds(40), Collect = new PlayCollect { MaxDigits = 4, Terminator = '#', Timeout = TimeSpan.FromSeconds(5) } },
            CancellationToken.None);
        Tick(audio);
        Tick(audio);
        Assert.True(await play.WaitAsync(Wait));

        var collect = audio.CollectAsync(new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(5)), CancellationToken.None);
        foreach (var digit in "12#")
        {
            audio.ReceiveDigit(digit);
        }

        Assert.Equal("12", (await collect.WaitAsync(Wait)).Digits);
    }
}
