using Serverless.MediaNode.Audio;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio;

public sealed class PromptCacheTests
{
    private static readonly byte[] Wav440 = TestWav.Build(TestWav.Tone(440, 16_000, TimeSpan.FromSeconds(1)), 16_000);
    private static readonly PromptSourcePolicy Prompts = new(new PromptOptions { ContainerUrl = new Uri("https://acct.blob.core.windows.net/prompts") });

    [Fact]
    public async Task SameBytes_AreEncodedOnceAcross100Calls()
    {
        var cache = new PromptCache(Codecs.Shared, new FakePromptStore(Wav440), policy: Prompts);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Task.Run(() => cache.GetAsync($"https://acct.blob.core.windows.net/prompts/call{i}.wav", CancellationToken.None))));

        Assert.Equal(1, cache.EncodeCount);
        Assert.All(results, frames => Assert.Same(results[0], frames));
        Assert.Equal(50, results[0].Length); // 1 s of 20 ms frames
    }

    [Fact]
    public void DifferentBytes_AreEncodedSeparately()
    {
        var cache = new PromptCache(Codecs.Shared);
        var other = TestWav.Build(TestWav.Tone(880, 16_000, TimeSpan.FromSeconds(1)), 16_000);

        var a = cache.GetWav(Wav440);
        var b = cache.GetWav(other);
        var again = cache.GetWav(Wav440.AsSpan().ToArray());

        Assert.Equal(2, cache.EncodeCount);
        Assert.NotSame(a, b);
        Assert.Same(a, again);
    }

    [Fact]
    public void APrompt_DecodesToItsToneAt48k()
    {
        var frames = new PromptCache(Codecs.Shared).GetWav(TestWav.Build(TestWav.Tone(440, 8_000, TimeSpan.FromSeconds(1), channels: 2), 8_000, channels: 2));

        var pcm = Codecs.Decode(frames.ToArray());

        Assert.InRange(ToneDetector.EstimateFrequency(pcm.AsSpan(9_600, 28_800)), 438, 442);
    }

    [Fact]
    public void Tones_AreEncodedOncePerFrequencyAndDuration()
    {
        var cache = new PromptCache(Codecs.Shared);

        var a = cache.GetTone(440, TimeSpan.FromMilliseconds(500));
        var b = cache.GetTone(440, TimeSpan.FromMilliseconds(500));
        var c = cache.GetTone(440, TimeSpan.FromMilliseconds(600));

        Assert.Same(a, b);
        Assert.Equal(25, a.Length);
        Assert.Equal(30, c.Length);
        Assert.Equal(2, cache.EncodeCount);
        Assert.InRange(ToneDetector.EstimateFrequency(Codecs.Decode(a.ToArray()).AsSpan(4_800, 9_600)), 438, 442);
    }

    [Fact]
    public async Task A_long_tone_is_handed_out_after_its_first_second_and_the_rest_is_encoded_in_the_background_once()
    {
        var cache = new PromptCache(Codecs.Shared);

        var tone = cache.GetTone(440, TimeSpan.FromMinutes(10));

        Assert.Equal(30_000, tone.Length);
        Assert.True(tone.TryGet(EncodedClip.EagerFrames - 1, out _)); // the first second is there at once
        Assert.InRange(tone.EncodedCount, EncodedClip.EagerFrames, tone.Length);
        Assert.Same(tone, cache.GetTone(440, TimeSpan.FromMinutes(10))); // cached while it is still being encoded
        await tone.Completed.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(tone.Length, tone.EncodedCount);
        Assert.Equal(1, cache.EncodeCount);

        // Frame by frame it is the same tone as encoded whole: 440 Hz, faded in and out.
        var pcm = Codecs.Decode(tone.ToArray()[^50..]);
        Assert.InRange(ToneDetector.EstimateFrequency(pcm.AsSpan(4_800, 28_800)), 438, 442);
    }

    [Fact]
    public async Task MalformedWav_IsATypedErrorEveryTime()
    {
        var cache = new PromptCache(Codecs.Shared, new FakePromptStore("RIFF....WAVEjunk"u8.ToArray()), policy: Prompts);

        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<PromptException>(() => cache.GetAsync("https://acct.blob.core.windows.net/prompts/bad.wav", CancellationToken.None));
            Assert.Equal(PromptError.InvalidWav, e.Error);
            Assert.Equal(WavError.MissingFormat, e.WavError);
        }
    }

    [Fact]
    public async Task BundledPrompt_IsPlayable_AndAMissingOneIsNotFound()
    {
        var cache = new PromptCache(Codecs.Shared);

        var beep = await cache.GetAsync("beep", CancellationToken.None);
        var missing = await Assert.ThrowsAsync<PromptException>(() => cache.GetAsync("nope", CancellationToken.None));

        Assert.Equal(25, beep.Length); // 0.5 s
        Assert.InRange(ToneDetector.EstimateFrequency(Codecs.Decode(beep.ToArray()).AsSpan(4_800, 14_400)), 437, 443);
        Assert.Equal(PromptError.NotFound, missing.Error);
    }

    [Fact]
    public async Task UriWithoutAStore_IsNotAllowed()
    {
        var e = await Assert.ThrowsAsync<PromptException>(() => new PromptCache(Codecs.Shared).GetAsync("https://evil.example/x.wav", CancellationToken.None));
        Assert.Equal(PromptError.NotAllowed, e.Error);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/recordings/other-call.ogg")]
    [InlineData("https://acct.blob.core.windows.net/prompts/../recordings/other-call.ogg")]
    [InlineData("https://acct.blob.core.windows.net/prompts/%2e%2e/recordings/other-call.ogg")]
    [InlineData("https://evil.example/x.wav")]
    public async Task ASourceOutsideThePromptsContainer_IsRefused_BeforeAnyRead(string source)
    {
        // The node checks again whatever the API accepted: another call's recording never plays into a call.
        var store = new FakePromptStore(Wav440);
        var e = await Assert.ThrowsAsync<PromptException>(() => new PromptCache(Codecs.Shared, store, policy: Prompts).GetAsync(source, CancellationToken.None));

        Assert.Equal(PromptError.NotAllowed, e.Error);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task APromptsContainerBlob_IsReadByItsBlobName()
    {
        var store = new FakePromptStore(Wav440);
        await new PromptCache(Codecs.Shared, store, policy: Prompts).GetAsync("https://acct.blob.core.windows.net/prompts/en/hello.wav", CancellationToken.None);

        Assert.Equal(new AllowedPromptSource(PromptSourceKind.PromptsContainer, "https://acct.blob.core.windows.net/prompts/en/hello.wav", "en/hello.wav"), store.Last);
    }

    private sealed class FakePromptStore(byte[] content) : IPromptStore
    {
        public int Reads { get; private set; }

        public AllowedPromptSource? Last { get; private set; }

        public Task<byte[]> ReadAsync(AllowedPromptSource source, long maxBytes, CancellationToken cancellationToken)
        {
            Reads++;
            Last = source;
            return Task.FromResult(content);
        }
    }
}
