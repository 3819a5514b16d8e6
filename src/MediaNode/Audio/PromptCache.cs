using System.Collections.Concurrent;
using System.Security.Cryptography;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Prompts and tones as ready-to-send Opus frames (20 ms each), encoded once per content: WAV bytes are keyed
/// by their SHA-256, tones by (Hz, duration), so a thousand calls playing one prompt encode it once. The
/// WAV is downmixed to mono and resampled to 48 kHz (<see cref="Resampler"/>, windowed sinc) first.
/// Thread-safe; one per node. Concurrent first requests for one content share a single encode, which is
/// incremental (<see cref="EncodedClip"/>): the first second at once, the rest in the background as it plays.
/// </summary>
public sealed class PromptCache
{
    /// <summary>Largest WAV file played (10 min of 48 kHz stereo is ~110 MB; prompts are far shorter).</summary>
    public const long MaxPromptBytes = 32L * 1024 * 1024;

    /// <summary>Distinct contents kept; beyond it an arbitrary entry is dropped (re-encoded on next use).</summary>
    public const int MaxEntries = 512;

    private const int RampSamples = 240; // 5 ms fade in/out so a tone starts and stops without a click

    private readonly ConcurrentDictionary<string, Lazy<EncodedClip>> _entries = new(StringComparer.Ordinal);
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
    public async Task<EncodedClip> GetAsync(string uriOrName, CancellationToken cancellationToken)
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
    public EncodedClip GetWav(ReadOnlySpan<byte> wav)
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
    public EncodedClip GetTone(int frequencyHz, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frequencyHz, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, OpusCodec.FrameDuration);
        return Lookup($"tone:{frequencyHz}:{(long)duration.TotalMilliseconds}", () =>
        {
            // Made frame by frame as it is encoded: a 10-minute tone never exists as one 57 MB buffer.
            var total = (long)(duration.TotalSeconds * OpusCodec.SampleRate);
            var ramp = (int)Math.Min(RampSamples, total / 2);
            var tone = new ToneGenerator(frequencyHz);
            return Encode(total, (start, frame) =>
            {
                tone.Fill(frame);
                for (var i = 0; i < frame.Length; i++)
                {
                    var at = start + i;
                    var fromEnd = total - 1 - at;
                    if (at < ramp || fromEnd < ramp)
                    {
                        frame[i] = (short)(frame[i] * ((double)Math.Min(at, fromEnd) / ramp));
                    }
                }
            });
        });
    }

    private EncodedClip Lookup(string key, Func<EncodedClip> encode)
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
        var entry = _entries.GetOrAdd(key, _ => new Lazy<EncodedClip>(encode, LazyThreadSafetyMode.ExecutionAndPublication));
        return entry.Value;
    }

    private EncodedClip EncodeWav(byte[] wav)
    {
        if (!WavAudio.TryParse(wav, out var audio, out var error))
        {
            throw new PromptException(PromptError.InvalidWav, $"The prompt is not a playable WAV: {error}.", error);
        }

        return Encode(Resampler.Resample(audio.ToMono(), audio.SampleRate, OpusCodec.SampleRate));
    }

    private EncodedClip Encode(short[] pcm) =>
        Encode(pcm.Length, (start, frame) => pcm.AsSpan((int)start, (int)Math.Min(frame.Length, pcm.Length - start)).CopyTo(frame));

    // Samples [0, total) at 48 kHz, written by fill(first sample, frame) one frame at a time; the last frame is padded with silence.
    private EncodedClip Encode(long total, Action<long, short[]> fill)
    {
        Interlocked.Increment(ref _encodeCount);
        var frameCount = (int)((total + OpusCodec.FrameSamples - 1) / OpusCodec.FrameSamples);
        return EncodedClip.Encode(frameCount, (index, frame) =>
        {
            var start = (long)index * OpusCodec.FrameSamples;
            var length = (int)Math.Min(frame.Length, total - start);
            if (length == frame.Length)
            {
                fill(start, frame);
                return;
            }

            var last = new short[frame.Length];
            fill(start, last);
            last.AsSpan(0, length).CopyTo(frame); // frame was cleared
        }, Codecs);
    }
}
