using Serverless.MediaNode.Audio;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Audio;

public sealed class PromptCacheTests
{
    private static readonly byte[] Wav440 = TestWav.Build(TestWav.Tone(440, 16_000, TimeSpan.FromSeconds(1)), 16_000);

    [Fact]
    public async Task SameBytes_AreEncodedOnceAcross100Calls()
    {
        var cache = new PromptCache(Codecs.Shared, new FakePromptStore(Wav440));

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

        var pcm = Codecs.Decode(frames);

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
        Assert.InRange(ToneDetector.EstimateFrequency(Codecs.Decode(a).AsSpan(4_800, 9_600)), 438, 442);
    }

    [Fact]
    public async Task MalformedWav_IsATypedErrorEveryTime()
    {
        var cache = new PromptCache(Codecs.Shared, new FakePromptStore("RIFF....WAVEjunk"u8.ToArray()));

        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<PromptException>(() => cache.GetAsync("https://a.blob.core.windows.net/p/bad.wav", CancellationToken.None));
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
        Assert.InRange(ToneDetector.EstimateFrequency(Codecs.Decode(beep).AsSpan(4_800, 14_400)), 437, 443);
        Assert.Equal(PromptError.NotFound, missing.Error);
    }

    [Fact]
    public async Task UriWithoutAStore_IsNotAllowed()
    {
        var e = await Assert.ThrowsAsync<PromptException>(() => new PromptCache(Codecs.Shared).GetAsync("https://evil.example/x.wav", CancellationToken.None));
        Assert.Equal(PromptError.NotAllowed, e.Error);
    }

    private sealed class FakePromptStore(byte[] content) : IPromptStore
    {
        public Task<byte[]> ReadAsync(Uri uri, long maxBytes, CancellationToken cancellationToken) => Task.FromResult(content);
    }
}
