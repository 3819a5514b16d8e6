using System.Collections.Concurrent;
using System.Security.Cryptography;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Prompts and tones as ready-to-send Opus frames (20 ms each), encoded once per content: WAV bytes are keyed
/// by their SHA-256, tones by (Hz, duration), so a thousand calls playing one prompt encode it once. The
/// WAV is downmixed to mono and resampled to 48 kHz (<see cref="Resampler"/>, windowed sinc) first.
/// Thread-safe; one per node. Concurrent first requests for one content share a single encode.
/// </summary>
public sealed class PromptCache
{
    /// <summary>Largest WAV file played (10 min of 48 kHz stereo is ~110 MB; prompts are far shorter).</summary>
    public const long MaxPromptBytes = 32L * 1024 * 1024;

    /// <summary>Distinct contents kept; beyond it an arbitrary entry is dropped (re-encoded on next use).</summary>
    public const int MaxEntries = 512;

    private const int RampSamples = 240; // 5 ms fade in/out so a tone starts and stops without a click

    private readonly ConcurrentDictionary<string, Lazy<ReadOnlyMemory<byte>[]>> _entries = new(StringComparer.Ordinal);
    private readonly IPromptStore? _store;
    private readonly PromptSourcePolicy _policy;
    private readonly string _bundledDirectory;
    private long _encodeCount;

    /// <param name="codecs">The node's Opus factory.</param>
    /// <param name="store">Where prompt URLs are read; null allows bundled prompts only.</param>
    /// <param name="bundledDirectory">Folder of bundled prompts; default Audio/Prompts next to the app.</param>
    /// <param name="policy">Which sources may play, checked again here whatever the API accepted; default bundled only.</param>
    public PromptCache(OpusEncoderFactory codecs, IPromptStore? store = null, string? bundledDirectory = null, PromptSourcePolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        Codecs = codecs;
        _store = store;
        _policy = policy ?? PromptSourcePolicy.BundledOnly;
        _bundledDirectory = bundledDirectory ?? Path.Combine(AppContext.BaseDirectory, "Audio", "Prompts");
    }

    public OpusEncoderFactory Codecs { get; }

    /// <summary>How many prompts and tones were encoded (not served from the cache).</summary>
    public long EncodeCount => Interlocked.Read(ref _encodeCount);

    /// <summary>
    /// The frames of a prompt given as a URL or a bundled name. Throws <see cref="PromptException"/> with a typed
    /// reason when it cannot be played, including a source the <see cref="PromptSourcePolicy"/> refuses.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>[]> GetAsync(string uriOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uriOrName);
        if (!_policy.TryAllow(uriOrName, out var source, out var reason))
        {
            throw new PromptException(PromptError.NotAllowed, "The prompt " + reason + ".");
        }

        byte[] wav;
        if (source.Kind == PromptSourceKind.Bundled)
        {
            var path = Path.Combine(_bundledDirectory, uriOrName + ".wav");
            if (!File.Exists(path))
            {
                throw new PromptException(PromptError.NotFound, $"No bundled prompt '{uriOrName}'.");
            }

            if (new FileInfo(path).Length > MaxPromptBytes)
            {
                throw new PromptException(PromptError.TooLarge, $"The bundled prompt '{uriOrName}' is too large.");
            }

            wav = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        else if (_store is null)
        {
            throw new PromptException(PromptError.NotAllowed, "No prompt store is configured for URLs.");
        }
        else
        {
            wav = await _store.ReadAsync(source, MaxPromptBytes, cancellationToken);
        }

        return GetWav(wav);
    }

    /// <summary>The frames of WAV bytes, encoded on first sight of this content.</summary>
    public ReadOnlyMemory<byte>[] GetWav(ReadOnlySpan<byte> wav)
    {
        var key = Convert.ToHexString(SHA256.HashData(wav));
        if (_entries.TryGetValue(key, out var cached))
        {
            return cached.Value;
        }

        var copy = wav.ToArray();
        return Lookup(key, () => EncodeWav(copy));
    }

    /// <summary>The frames of a tone, encoded once per (Hz, duration); faded in and out over 5 ms.</summary>
    public ReadOnlyMemory<byte>[] GetTone(int frequencyHz, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frequencyHz, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, OpusCodec.FrameDuration);
        return Lookup($"tone:{frequencyHz}:{(long)duration.TotalMilliseconds}", () =>
        {
            var samples = new short[(int)(duration.TotalSeconds * OpusCodec.SampleRate)];
            new ToneGenerator(frequencyHz).Fill(samples);
            var ramp = Math.Min(RampSamples, samples.Length / 2);
            for (var i = 0; i < ramp; i++)
            {
                var gain = (double)i / ramp;
                samples[i] = (short)(samples[i] * gain);
                samples[^(i + 1)] = (short)(samples[^(i + 1)] * gain);
            }

            return Encode(samples);
        });
    }

    private ReadOnlyMemory<byte>[] Lookup(string key, Func<ReadOnlyMemory<byte>[]> encode)
    {
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key))
        {
            foreach (var victim in _entries.Keys)
            {
                _entries.TryRemove(victim, out _);
                break;
            }
        }

        // ExecutionAndPublication: concurrent first callers wait for one encode instead of each running one.
        var entry = _entries.GetOrAdd(key, _ => new Lazy<ReadOnlyMemory<byte>[]>(encode, LazyThreadSafetyMode.ExecutionAndPublication));
        return entry.Value;
    }

    private ReadOnlyMemory<byte>[] EncodeWav(byte[] wav)
    {
        if (!WavAudio.TryParse(wav, out var audio, out var error))
        {
            throw new PromptException(PromptError.InvalidWav, $"The prompt is not a playable WAV: {error}.", error);
        }

        return Encode(Resampler.Resample(audio.ToMono(), audio.SampleRate, OpusCodec.SampleRate));
    }

    private ReadOnlyMemory<byte>[] Encode(ReadOnlySpan<short> pcm)
    {
        Interlocked.Increment(ref _encodeCount);
        var frameCount = (pcm.Length + OpusCodec.FrameSamples - 1) / OpusCodec.FrameSamples;
        var frames = new ReadOnlyMemory<byte>[frameCount];
        var frame = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        using var encoder = Codecs.CreateEncoder(Codecs.Options.OfflineComplexity); // encoded once, sent on every call
        for (var i = 0; i < frameCount; i++)
        {
            var start = i * OpusCodec.FrameSamples;
            var length = Math.Min(OpusCodec.FrameSamples, pcm.Length - start);
            Array.Clear(frame);
            pcm.Slice(start, length).CopyTo(frame); // the last frame is padded with silence
            var written = encoder.Encode(frame, buffer);
            frames[i] = buffer.AsSpan(0, written).ToArray();
        }

        return frames;
    }
}
