using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Serverless.WebRtc.Media;

/// <summary>
/// P/Invoke into a system libopus (the C API of opus.h). Concentus 2.2 has its own native path, but it probes
/// with <c>dlopen("libopus.so")</c> and caches the miss, and Debian's <c>libopus0</c> ships only
/// <c>libopus.so.0</c> (the unversioned name comes with <c>libopus-dev</c>), so it never finds the runtime
/// package. This binding resolves the library name itself (<see cref="Resolve"/>), once per process.
/// </summary>
internal static class OpusNative
{
    private const string Library = "opus";

    internal const int ApplicationVoip = 2048;
    internal const int SignalVoice = 3001;
    internal const int SetBitrateRequest = 4002;
    internal const int SetVbrRequest = 4006;
    internal const int SetComplexityRequest = 4010;
    internal const int SetMaxBandwidthRequest = 4004;
    internal const int SetInbandFecRequest = 4012;
    internal const int SetPacketLossPercentRequest = 4014;
    internal const int SetSignalRequest = 4024;

    // Runtime package names first (what apt installs), then the development symlink and other platforms'.
    private static readonly string[] Candidates = ["libopus.so.0", "libopus.so", "libopus.0.dylib", "libopus.dylib", "opus.dll", "libopus-0.dll"];

    private static readonly Lazy<string?> LazyVersion = new(Probe);

    static OpusNative() => NativeLibrary.SetDllImportResolver(typeof(OpusNative).Assembly, Resolve);

    /// <summary>The loaded libopus' version string, or null when no libopus could be loaded.</summary>
    internal static string? Version => LazyVersion.Value;

    internal static bool IsAvailable => Version is not null;

    private static string? Probe()
    {
        try
        {
            var version = opus_get_version_string();
            return version == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(version);
        }
        catch (DllNotFoundException)
        {
            return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero; // someone else's import: default probing
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr opus_get_version_string();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern OpusNativeEncoderHandle opus_encoder_create(int fs, int channels, int application, out int error);

    // opus_encoder_ctl is variadic; every request we send takes one int, which the x64 and AArch64 (non-Apple)
    // calling conventions pass exactly like a fixed int argument.
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int opus_encoder_ctl(OpusNativeEncoderHandle encoder, int request, int value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int opus_encode(OpusNativeEncoderHandle encoder, ref short pcm, int frameSize, ref byte data, int maxDataBytes);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern void opus_encoder_destroy(IntPtr encoder);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern OpusNativeDecoderHandle opus_decoder_create(int fs, int channels, out int error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int opus_decode(OpusNativeDecoderHandle decoder, ref byte data, int length, ref short pcm, int frameSize, int decodeFec);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern void opus_decoder_destroy(IntPtr decoder);

    /// <summary>Throws for a negative libopus return code (OPUS_BAD_ARG = -1 … OPUS_ALLOC_FAIL = -7).</summary>
    internal static int Check(int result, string operation) =>
        result >= 0 ? result : throw new InvalidOperationException($"libopus {operation} failed with error {result}.");
}

/// <summary>An <c>OpusEncoder*</c> owned by this process; destroyed once.</summary>
internal sealed class OpusNativeEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusNativeEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_encoder_destroy(handle);
        return true;
    }
}

/// <summary>An <c>OpusDecoder*</c> owned by this process; destroyed once.</summary>
internal sealed class OpusNativeDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusNativeDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_decoder_destroy(handle);
        return true;
    }
}
