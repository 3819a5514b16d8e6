using System.Runtime.InteropServices;
using Concentus;

namespace Serverless.WebRtc.Media;

/// <summary>
/// Encodes 20 ms mono frames with libopus (<see cref="OpusImplementation.Native"/>) or Concentus
/// (<see cref="OpusImplementation.Managed"/>). Encoding allocates nothing on our side; managed Concentus itself
/// allocates inside each call, native libopus does not. Not thread-safe: one per stream.
/// </summary>
public sealed class OpusFrameEncoder : IDisposable
{
    private readonly IOpusEncoder? _managed;
    private readonly OpusNativeEncoderHandle? _native;

    internal OpusFrameEncoder(IOpusEncoder encoder)
    {
        _managed = encoder;
        Implementation = OpusImplementation.Managed;
    }

    internal OpusFrameEncoder(OpusNativeEncoderHandle encoder)
    {
        _native = encoder;
        Implementation = OpusImplementation.Native;
    }

    public OpusImplementation Implementation { get; }

    /// <summary>Opus complexity 0-10 this encoder runs at.</summary>
    public int Complexity { get; private set; }

    /// <summary>Encodes exactly <see cref="OpusCodec.FrameSamples"/> samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> frame, Span<byte> destination)
    {
        if (frame.Length != OpusCodec.FrameSamples)
        {
            throw new ArgumentException($"A frame is {OpusCodec.FrameSamples} samples.", nameof(frame));
        }

        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination is empty.", nameof(destination));
        }

        if (_native is not null)
        {
            var length = OpusNative.opus_encode(
                _native, ref MemoryMarshal.GetReference(frame), OpusCodec.FrameSamples, ref MemoryMarshal.GetReference(destination), destination.Length);
            return OpusNative.Check(length, "encode");
        }

        return _managed!.Encode(frame, OpusCodec.FrameSamples, destination, destination.Length);
    }

    internal void Configure(OpusCodecOptions options, int complexity)
    {
        Complexity = complexity;
        if (_native is not null)
        {
            SetNative(OpusNative.SetBitrateRequest, options.BitrateBitsPerSecond);
            SetNative(OpusNative.SetComplexityRequest, complexity);
            SetNative(OpusNative.SetVbrRequest, 1);
            SetNative(OpusNative.SetSignalRequest, OpusNative.SignalVoice);
            SetNative(OpusNative.SetInbandFecRequest, options.UseInbandFec ? 1 : 0);
            SetNative(OpusNative.SetPacketLossPercentRequest, options.PacketLossPercent);
            return;
        }

        var encoder = _managed!;
        encoder.Bitrate = options.BitrateBitsPerSecond;
        encoder.Complexity = complexity;
        encoder.UseVBR = true;
        encoder.SignalType = Concentus.Enums.OpusSignal.OPUS_SIGNAL_VOICE;
        encoder.UseInbandFEC = options.UseInbandFec;
        encoder.PacketLossPercent = options.PacketLossPercent;
    }

    // Caps the coded audio bandwidth at a source's Nyquist (RFC 6716 §2: NB 4 kHz, MB 6, WB 8, SWB 12, FB 20), so
    // audio that came from an 8 kHz agent is coded narrowband instead of spending bits and cycles on empty bands.
    internal void LimitBandwidth(int sourceSampleRate)
    {
        var (native, managed) = sourceSampleRate switch
        {
            <= 8_000 => (1101, Concentus.Enums.OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND),
            <= 12_000 => (1102, Concentus.Enums.OpusBandwidth.OPUS_BANDWIDTH_MEDIUMBAND),
            <= 16_000 => (1103, Concentus.Enums.OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND),
            <= 24_000 => (1104, Concentus.Enums.OpusBandwidth.OPUS_BANDWIDTH_SUPERWIDEBAND),
            _ => (1105, Concentus.Enums.OpusBandwidth.OPUS_BANDWIDTH_FULLBAND),
        };
        if (_native is not null)
        {
            SetNative(OpusNative.SetMaxBandwidthRequest, native);
        }
        else
        {
            _managed!.MaxBandwidth = managed;
        }
    }

    internal void ConfigureForSilence()
    {
        if (_native is not null)
        {
            SetNative(OpusNative.SetInbandFecRequest, 0);
            SetNative(OpusNative.SetPacketLossPercentRequest, 0);
            SetNative(OpusNative.SetBitrateRequest, 6_000);
            return;
        }

        _managed!.UseInbandFEC = false;
        _managed.PacketLossPercent = 0;
        _managed.Bitrate = 6_000;
    }

    public void Dispose()
    {
        _native?.Dispose();
        (_managed as IDisposable)?.Dispose();
    }

    private void SetNative(int request, int value) => OpusNative.Check(OpusNative.opus_encoder_ctl(_native!, request, value), "encoder ctl");
}
