using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;
using Serverless.MediaNode.Tests.Audio;
using Serverless.MediaNode.Tests.Recording;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.MediaNode.Tests.EndToEnd;

/// <summary>CallAudio behind a real business peer, talking over UDP loopback to an ICE-lite phone peer.</summary>
public sealed class CallAudioLoopbackTests
{
    [Fact]
    [Trait("Category", "Azurite")]
    public async Task PromptFromBlobThenRecord_PhoneHearsThePrompt_AndTheRecordingBlobHoldsThePhonesTone()
    {
        var storage = AzuriteStorage.Service();
        var prompts = storage.GetBlobContainerClient("prompts");
        await prompts.CreateIfNotExistsAsync();
        var promptBlob = prompts.GetBlobClient($"tone440-{Guid.NewGuid():N}.wav");
        await promptBlob.UploadAsync(BinaryData.FromBytes(TestWav.Build(TestWav.Tone(440, 16_000, TimeSpan.FromSeconds(6)), 16_000)));
        var plan = new AudioPlan([new PromptStep(promptBlob.Uri.ToString()), new RecordStep(TimeSpan.FromSeconds(2), RecordingFormat.OggOpus)]);

        using var businessSide = await FactoryAsync(lite: false);
        using var metaSide = await FactoryAsync(lite: true);
        var callId = $"e2e-{Guid.NewGuid():N}";
        var policy = new PromptSourcePolicy(new PromptOptions { ContainerUrl = prompts.Uri });
        var cache = new PromptCache(businessSide.Codecs, new BlobPromptStore(storage, policy), policy: policy);
        await using var audio = new CallAudio(callId, plan, cache, new BlobRecordingStore(storage), TimeProvider.System, NullLogger.Instance);
        using var business = businessSide.CreatePeer(new AudioPeerOptions { Source = audio.Source, ReceiveMode = audio.ReceiveMode });
        audio.Attach(business);
        using var phone = metaSide.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(metaSide.Codecs, 1000) });
        await ConnectAsync(business, phone);

        var events = new RecordingEvents();
        var run = audio.RunAsync(events, CancellationToken.None);
        Assert.InRange(await HearAsync(phone, 440, Wait), 435, 445);
        await run.WaitAsync(Wait);
        var recording = await audio.CompleteAsync(CancellationToken.None);

        Assert.Equal($"recordings/{callId}.ogg", recording?.BlobName);
        Assert.Equal(1, events.Finished);
        var blob = storage.GetBlobContainerClient("recordings").GetBlobClient($"{callId}.ogg");
        var properties = await blob.GetPropertiesAsync();
        Assert.Equal("audio/ogg", properties.Value.ContentType);
        var pages = OggTestReader.ReadPages((await blob.DownloadContentAsync()).Value.Content.ToArray());
        var packets = pages.Skip(2).SelectMany(p => p.Packets).Select(p => (ReadOnlyMemory<byte>)p).ToList();
        Assert.InRange(packets.Count, 90, 110); // 2 s of 20 ms packets
        Assert.Equal(pages[^1].Granule, packets.Count * OpusCodec.FrameSamples);
        var pcm = Codecs.Decode(packets);
        Assert.InRange(ToneDetector.EstimateFrequency(pcm.AsSpan(pcm.Length - OpusCodec.SampleRate)), 995, 1005);
    }

    [Fact]
    public async Task Rfc4733_PhonePresses12Hash_PlanReportsDigits12()
    {
        using var businessSide = await FactoryAsync(lite: false);
        using var metaSide = await FactoryAsync(lite: true);
        var plan = new AudioPlan([new CollectDigitsStep(4, '#', TimeSpan.FromSeconds(20))]);
        await using var audio = new CallAudio("dtmf-call", plan, new PromptCache(businessSide.Codecs), new InMemoryRecordingStore(), TimeProvider.System, NullLogger.Instance);
        using var business = businessSide.CreatePeer(new AudioPeerOptions { Source = audio.Source, ReceiveMode = audio.ReceiveMode });
        audio.Attach(business);
        using var phone = metaSide.CreatePeer();
        await ConnectAsync(business, phone);
        var events = new RecordingEvents();
        var run = audio.RunAsync(events, CancellationToken.None);

        await phone.SendDtmf("12#").WaitAsync(Wait);

        Assert.Equal("12", await events.FirstDigits.Task.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        Assert.Equal(1, events.Finished);
    }

    [Fact]
    public async Task Echo_PhoneHearsItsOwnTone()
    {
        using var businessSide = await FactoryAsync(lite: false);
        using var metaSide = await FactoryAsync(lite: true);
        var plan = new AudioPlan([new EchoStep(TimeSpan.FromSeconds(20))]);
        await using var audio = new CallAudio("echo-call", plan, new PromptCache(businessSide.Codecs), new InMemoryRecordingStore(), TimeProvider.System, NullLogger.Instance);
        using var business = businessSide.CreatePeer(new AudioPeerOptions { Source = audio.Source, ReceiveMode = audio.ReceiveMode });
        audio.Attach(business);
        using var phone = metaSide.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(metaSide.Codecs, 1000) });
        await ConnectAsync(business, phone);
        using var stop = new CancellationTokenSource();
        var run = audio.RunAsync(new RecordingEvents(), stop.Token);

        Assert.InRange(await HearAsync(phone, 1000, Wait), 995, 1005);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Wait));
    }
}
