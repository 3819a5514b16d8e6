using System.Runtime.InteropServices;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>
/// The native (system libopus) and managed (Concentus) paths side by side. scripts/test.sh installs libopus0, so
/// libopus.so.0 must load here: a machine without it fails these tests rather than skipping them.
/// </summary>
public sealed class OpusNativeTests
{
    private static readonly OpusEncoderFactory Native = new(new OpusCodecOptions { AttemptToUseNativeLibrary = true });
    private static readonly OpusEncoderFactory Managed = new(new OpusCodecOptions { AttemptToUseNativeLibrary = false });

    [Fact]
    public void Native_is_really_libopus_when_libopus_so_0_loads()
    {
        Assert.True(NativeLibrary.TryLoad("libopus.so.0", out var handle), "libopus.so.0 does not load: install libopus0 (scripts/test.sh does)");
        NativeLibrary.Free(handle);
        using var encoder = Native.CreateEncoder();
        using var decoder = Native.CreateDecoder();

        Assert.Equal(OpusImplementation.Native, Native.Implementation);
        Assert.Equal(OpusImplementation.Native, encoder.Implementation);
        Assert.Equal(OpusImplementation.Native, decoder.Implementation);
        Assert.StartsWith("libopus ", Native.ImplementationVersion, StringComparison.Ordinal);
        Assert.Equal(OpusImplementation.Managed, Managed.Implementation);
        Assert.StartsWith("Concentus ", Managed.ImplementationVersion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 440)]
    [InlineData(false, 440)]
    [InlineData(true, 1_000)]
    [InlineData(false, 1_000)]
    public void A_tone_encoded_by_one_implementation_decodes_with_the_other(bool nativeEncodes, int hz)
    {
        using var encoder = (nativeEncodes ? Native : Managed).CreateEncoder();
        using var decoder = (nativeEncodes ? Managed : Native).CreateDecoder();
        Assert.NotEqual(encoder.Implementation, decoder.Implementation);

        var decoded = RoundTrip(encoder, decoder, hz, frames: 50);

        var settled = decoded.AsSpan(10 * OpusCodec.FrameSamples);
        Assert.Equal(hz, ToneDetector.EstimateFrequency(settled), 5.0);
        var reference = new short[settled.Length];
        new ToneGenerator(hz).Fill(reference);
        var ratio = ToneDetector.GoertzelPower(settled, hz) / ToneDetector.GoertzelPower(reference, hz);
        Assert.InRange(ratio, 0.7, 1.3); // level kept within about ±1 dB
    }

    [Theory]
    [InlineData(true, 8_000, 0)] // RFC 6716 §3.1 TOC configs 0-3: SILK narrowband
    [InlineData(false, 8_000, 0)]
    [InlineData(true, 16_000, 8)] // 8-11: SILK wideband
    [InlineData(false, 16_000, 8)]
    public void An_encoder_for_a_narrower_source_codes_no_wider_a_band(bool native, int sourceRate, int firstConfig)
    {
        using var capped = (native ? Native : Managed).CreateEncoder(5, sourceRate);
        using var full = (native ? Native : Managed).CreateEncoder(5);
        var frame = new short[OpusCodec.FrameSamples];
        var tone = new ToneGenerator(440);
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var cappedConfigs = new HashSet<int>();
        var fullConfigs = new HashSet<int>();
        for (var i = 0; i < 25; i++)
        {
            tone.Fill(frame);
            capped.Encode(frame, packet);
            cappedConfigs.Add(packet[0] >> 3);
            full.Encode(frame, packet);
            fullConfigs.Add(packet[0] >> 3);
        }

        Assert.All(cappedConfigs, config => Assert.InRange(config, firstConfig, firstConfig + 3));
        Assert.Contains(fullConfigs, config => config > firstConfig + 3); // uncapped, the same audio is coded wider
    }

    [Fact]
    public void Native_concealment_and_fec_fill_a_whole_frame()
    {
        using var encoder = Native.CreateEncoder();
        using var decoder = Native.CreateDecoder();
        RoundTrip(encoder, decoder, 440, frames: 10);
        var frame = new short[OpusCodec.FrameSamples];
        new ToneGenerator(440).Fill(frame);
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var length = encoder.Encode(frame, packet);
        var pcm = new short[OpusCodec.FrameSamples];

        Assert.Equal(OpusCodec.FrameSamples, decoder.Conceal(pcm));
        Assert.Equal(OpusCodec.FrameSamples, decoder.DecodeFec(packet.AsSpan(0, length), pcm));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_invalid_packet_throws_InvalidDataException_with_either_implementation(bool native)
    {
        using var decoder = (native ? Native : Managed).CreateDecoder();
        var pcm = new short[OpusCodec.FrameSamples];

        // TOC code 3 (arbitrary frame count) with a frame count of 0 is invalid (RFC 6716 §3.2.5, R5).
        Assert.Throws<InvalidDataException>(() => decoder.Decode([0x03, 0x00], pcm));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Complexity_is_chosen_per_encoder(bool native)
    {
        var codecs = native ? Native : Managed;
        using var live = codecs.CreateEncoder();
        using var offline = codecs.CreateEncoder(codecs.Options.OfflineComplexity);

        Assert.Equal(5, live.Complexity);
        Assert.Equal(10, offline.Complexity);
        Assert.Throws<ArgumentOutOfRangeException>(() => codecs.CreateEncoder(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoderFactory(new OpusCodecOptions { OfflineComplexity = -1 }));
    }

    [Fact]
    public void Native_encode_and_decode_allocate_nothing_per_frame()
    {
        using var encoder = Native.CreateEncoder();
        using var decoder = Native.CreateDecoder();
        var frame = new short[OpusCodec.FrameSamples];
        new ToneGenerator(440).Fill(frame);
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var pcm = new short[OpusCodec.FrameSamples];
        long total = 0;
        for (var i = 0; i < 20; i++)
        {
            total += decoder.Decode(packet.AsSpan(0, encoder.Encode(frame, packet)), pcm); // warm up (P/Invoke stubs)
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            total += decoder.Decode(packet.AsSpan(0, encoder.Encode(frame, packet)), pcm);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(520L * OpusCodec.FrameSamples, total);
    }

    private static short[] RoundTrip(OpusFrameEncoder encoder, OpusFrameDecoder decoder, int hz, int frames)
    {
        var tone = new ToneGenerator(hz);
        var frame = new short[OpusCodec.FrameSamples];
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var decoded = new short[frames * OpusCodec.FrameSamples];
        for (var i = 0; i < frames; i++)
        {
            tone.Fill(frame);
            var length = encoder.Encode(frame, packet);
            Assert.InRange(length, 2, 200);
            Assert.Equal(OpusCodec.FrameSamples, decoder.Decode(packet.AsSpan(0, length), decoded.AsSpan(i * OpusCodec.FrameSamples)));
        }

        return decoded;
    }
}
