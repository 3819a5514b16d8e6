using System.Runtime.InteropServices;
using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Testing;

/// <summary>
/// One libsrtp2 session (Debian's <c>libsrtp2-1</c>, the reference implementation), for interop tests and
/// side-by-side benchmarks against <see cref="SrtpContext"/>. <c>scripts/test.sh</c> installs the package.
/// </summary>
public sealed class LibSrtp2Session : IDisposable
{
    private const string Library = "libsrtp2.so.1";

    /// <summary>SRTP_MAX_TRAILER_LEN + 4 (srtp2/srtp.h): the room libsrtp assumes it may write past a packet it protects.</summary>
    public const int MaxTrailer = 16 + 128 + 4;
    private static readonly Lazy<int> Initialized = new(() => Check(srtp_init(), "srtp_init"));
    private IntPtr _session;

    private LibSrtp2Session(IntPtr session) => _session = session;

    /// <summary>True when the shared library loads on this machine.</summary>
    public static bool IsAvailable => NativeLibrary.TryLoad(Library, out _);

    /// <summary>A session for one SSRC and direction, keyed like <see cref="SrtpContext"/> (master key, then salt).</summary>
    public static LibSrtp2Session Create(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool outbound)
    {
        _ = Initialized.Value;
        // libsrtp takes key || salt in one buffer; it copies it during srtp_create.
        byte[] keyAndSalt = [.. masterKey, .. masterSalt];
        var handle = GCHandle.Alloc(keyAndSalt, GCHandleType.Pinned);
        try
        {
            var policy = new Policy
            {
                SsrcType = outbound ? 3 : 2, // ssrc_any_outbound / ssrc_any_inbound
                Key = handle.AddrOfPinnedObject(),
                WindowSize = 1024,
            };
            Check(srtp_crypto_policy_set_from_profile_for_rtp(ref policy.Rtp, (int)profile), "set rtp policy");
            Check(srtp_crypto_policy_set_from_profile_for_rtcp(ref policy.Rtcp, (int)profile), "set rtcp policy");
            Check(srtp_create(out IntPtr session, ref policy), "srtp_create");
            return new LibSrtp2Session(session);
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Protects the RTP packet in buffer[..length] in place (the buffer has room for the tag); returns the protected length.</summary>
    public int ProtectRtp(Span<byte> buffer, int length) => Run(srtp_protect, buffer, length, "srtp_protect");

    /// <summary>Unprotects in place; returns the plain length, or the negative libsrtp error status.</summary>
    public int UnprotectRtp(Span<byte> buffer, int length) => RunOrStatus(srtp_unprotect, buffer, length);

    public int ProtectRtcp(Span<byte> buffer, int length) => Run(srtp_protect_rtcp, buffer, length, "srtp_protect_rtcp");

    public int UnprotectRtcp(Span<byte> buffer, int length) => RunOrStatus(srtp_unprotect_rtcp, buffer, length);

    public void Dispose()
    {
        if (_session != IntPtr.Zero)
        {
            _ = srtp_dealloc(_session);
            _session = IntPtr.Zero;
        }
    }

    private delegate int PacketCall(IntPtr session, ref byte packet, ref int length);

    private int Run(PacketCall call, Span<byte> buffer, int length, string what)
    {
        ObjectDisposedException.ThrowIf(_session == IntPtr.Zero, this);
        // libsrtp writes up to its trailer past length; the span's length is the room it has.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length + MaxTrailer, buffer.Length);
        Check(call(_session, ref MemoryMarshal.GetReference(buffer), ref length), what);
        return length;
    }

    private int RunOrStatus(PacketCall call, Span<byte> buffer, int length)
    {
        ObjectDisposedException.ThrowIf(_session == IntPtr.Zero, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        int status = call(_session, ref MemoryMarshal.GetReference(buffer), ref length);
        return status == 0 ? length : -status;
    }

    private static int Check(int status, string what) =>
        status == 0 ? 0 : throw new InvalidOperationException($"libsrtp2 {what} failed with status {status}.");

    /// <summary>srtp_crypto_policy_t (srtp2/srtp.h, libsrtp 2.x).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    /// <summary>srtp_policy_t (srtp2/srtp.h, libsrtp 2.x): one stream, no MKI, no header encryption.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public IntPtr Key;
        public IntPtr Keys;
        public nuint MasterKeyCount;
        public IntPtr DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public IntPtr EncryptedHeaderIds;
        public int EncryptedHeaderIdCount;
        public IntPtr Next;
    }

    [DllImport(Library)]
    private static extern int srtp_init();

    [DllImport(Library)]
    private static extern int srtp_create(out IntPtr session, ref Policy policy);

    [DllImport(Library)]
    private static extern int srtp_dealloc(IntPtr session);

    [DllImport(Library)]
    private static extern int srtp_crypto_policy_set_from_profile_for_rtp(ref CryptoPolicy policy, int profile);

    [DllImport(Library)]
    private static extern int srtp_crypto_policy_set_from_profile_for_rtcp(ref CryptoPolicy policy, int profile);

    [DllImport(Library)]
    private static extern int srtp_protect(IntPtr session, ref byte packet, ref int length);

    [DllImport(Library)]
    private static extern int srtp_unprotect(IntPtr session, ref byte packet, ref int length);

    [DllImport(Library)]
    private static extern int srtp_protect_rtcp(IntPtr session, ref byte packet, ref int length);

    [DllImport(Library)]
    private static extern int srtp_unprotect_rtcp(IntPtr session, ref byte packet, ref int length);
}
