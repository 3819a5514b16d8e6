namespace Serverless.WebRtc.Srtp;

/// <summary>
/// SRTP/SRTCP protection for one direction of one session (RFC 3711), keyed by one master key and salt.
/// Protect calls keep the sender's per-SSRC rollover counter and SRTCP index; unprotect calls keep the
/// receiver's per-SSRC index estimate and replay window. Both work in place on the caller's buffer and
/// allocate nothing per packet (a new SSRC allocates its state once).
/// </summary>
/// <remarks>
/// Thread safety: every method may be called from several threads at once. SRTP and SRTCP each have one
/// lock; it covers the per-SSRC state and the cipher, because .NET's <c>Aes</c>, <c>AesGcm</c> and
/// <c>IncrementalHash</c> instances are not thread-safe and authentication must complete before the state
/// advances. The critical section is one packet's crypto (about a microsecond); SRTP and SRTCP never
/// contend with each other.
/// Scope: key derivation rate 0 and no MKI, as DTLS-SRTP uses them (RFC 5764 §4.1.2); the sender starts
/// each SSRC at ROC 0 and SRTCP index 0.
/// Security: receive state changes only after the tag verified, so forged packets can neither move the
/// rollover counter nor fill the replay window, and an unknown SSRC gets state only once authenticated.
/// </remarks>
public sealed partial class SrtpContext : IDisposable
{
    private readonly SrtpCipher _rtpCipher;
    private readonly SrtpCipher _rtcpCipher;
    private readonly Lock _rtpLock = new();
    private readonly Lock _rtcpLock = new();

    /// <summary>Sender: indices already used per SSRC (highest, and which of the last 128 were used).</summary>
    private readonly Dictionary<uint, ReplayWindow> _rtpSend = [];

    /// <summary>Receiver: replay window (and with it ROC and s_l) per SSRC.</summary>
    private readonly Dictionary<uint, ReplayWindow> _rtpReceive = [];

    private bool _disposed;

    /// <summary>Creates a context from a master key and salt, deriving the session keys (RFC 3711 §4.3, kdr = 0).</summary>
    public SrtpContext(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(profile, SrtpSessionKeys.Derive(profile, masterKey, masterSalt))
    {
    }

    private SrtpContext(SrtpProtectionProfile profile, (SrtpSessionKeys Rtp, SrtpSessionKeys Rtcp) keys)
    {
        Profile = profile;
        SrtpCipher? rtpCipher = null;
        try
        {
            rtpCipher = SrtpCipher.Create(profile, keys.Rtp);
            _rtcpCipher = SrtpCipher.Create(profile, keys.Rtcp);
            _rtpCipher = rtpCipher;
        }
        catch
        {
            rtpCipher?.Dispose();
            throw;
        }
        finally
        {
            keys.Rtp.Clear();
            keys.Rtcp.Clear();
        }
    }

    /// <summary>The negotiated protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Bytes <see cref="TryProtectRtp"/> appends (the authentication tag).</summary>
    public int RtpOverhead => _rtpCipher.RtpTagLength;

    /// <summary>Bytes <see cref="TryProtectRtcp"/> appends (the E/index word and the tag).</summary>
    public int RtcpOverhead => _rtcpCipher.RtcpOverhead;

    /// <summary>Test hook: a context built directly from session keys (the RFC vectors give those).</summary>
    internal static SrtpContext FromSessionKeys(SrtpProtectionProfile profile, SrtpSessionKeys rtp, SrtpSessionKeys rtcp) =>
        new(profile, (rtp, rtcp));

    /// <summary>
    /// Encrypts and authenticates the RTP packet in buffer[..length] in place, appending the tag.
    /// </summary>
    /// <returns>
    /// False, leaving the buffer untouched, when the header is not valid RTP, the buffer has no room for
    /// <see cref="RtpOverhead"/> more bytes, or the SSRC's index space (2^48 packets) is exhausted.
    /// </returns>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        ValidateLength(buffer, length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        protectedLength = 0;
        int tagLength = _rtpCipher.RtpTagLength;
        Span<byte> packet = buffer[..length];
        if (buffer.Length - length < tagLength || !RtpHeaderReader.TryGetRtpHeaderLength(packet, out int headerLength))
        {
            return false;
        }

        uint ssrc = RtpHeaderReader.ReadRtpSsrc(packet);
        ushort sequenceNumber = RtpHeaderReader.ReadSequenceNumber(packet);
        lock (_rtpLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _rtpSend.TryGetValue(ssrc, out ReplayWindow? used);
            ulong index = sequenceNumber;
            if (used is not null)
            {
                if (!TryNextSendIndex(used, sequenceNumber, out index))
                {
                    return false;
                }

                used.Accept(index);
            }
            else
            {
                _rtpSend.Add(ssrc, ReplayWindow.StartingAt(index));
            }

            _rtpCipher.EncryptRtp(packet, headerLength, ssrc, index, buffer.Slice(length, tagLength));
        }

        protectedLength = length + tagLength;
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet in buffer[..length] in place. On <see cref="SrtpResult.Ok"/>
    /// the RTP packet is buffer[..plainLength]; on any other result no state changed, and the payload bytes
    /// are unspecified (AES-GCM wipes its output when the tag does not verify): drop the packet.
    /// </summary>
    public SrtpResult UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        ValidateLength(buffer, length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        plainLength = 0;
        int tagLength = _rtpCipher.RtpTagLength;
        if (length < RtpHeaderReader.RtpFixedHeaderLength + tagLength)
        {
            return SrtpResult.TooShort;
        }

        Span<byte> packet = buffer[..(length - tagLength)];
        if (!RtpHeaderReader.TryGetRtpHeaderLength(packet, out int headerLength))
        {
            return SrtpResult.InvalidHeader;
        }

        uint ssrc = RtpHeaderReader.ReadRtpSsrc(packet);
        ushort sequenceNumber = RtpHeaderReader.ReadSequenceNumber(packet);
        ReadOnlySpan<byte> tag = buffer.Slice(length - tagLength, tagLength);
        lock (_rtpLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _rtpReceive.TryGetValue(ssrc, out ReplayWindow? window);

            // First packet of an SSRC: s_l = SEQ and ROC = 0 (RFC 3711 §3.3.1).
            ulong index = sequenceNumber;
            if (window is not null)
            {
                if (!SrtpIndexEstimator.TryEstimate(window.HighestIndex, sequenceNumber, out index))
                {
                    return SrtpResult.TooOld;
                }

                SrtpResult replay = window.Check(index);
                if (replay != SrtpResult.Ok)
                {
                    return replay;
                }
            }

            if (!_rtpCipher.DecryptRtp(packet, headerLength, tag, ssrc, index))
            {
                return SrtpResult.AuthenticationFailed;
            }

            // Only now, with the tag verified under the guessed ROC, does the state advance (RFC 3711 §3.3.2).
            if (window is null)
            {
                _rtpReceive.Add(ssrc, ReplayWindow.StartingAt(index));
            }
            else
            {
                window.Accept(index);
            }
        }

        plainLength = length - tagLength;
        return SrtpResult.Ok;
    }

    /// <summary>Receiver's current rollover counter for an SSRC, or null before its first authenticated packet.</summary>
    public uint? GetReceiveRolloverCounter(uint ssrc)
    {
        lock (_rtpLock)
        {
            return _rtpReceive.TryGetValue(ssrc, out ReplayWindow? window) ? (uint)(window.HighestIndex >> 16) : null;
        }
    }

    /// <summary>Sender's current rollover counter for an SSRC, or null before its first protected packet.</summary>
    public uint? GetSendRolloverCounter(uint ssrc)
    {
        lock (_rtpLock)
        {
            return _rtpSend.TryGetValue(ssrc, out ReplayWindow? used) ? (uint)(used.HighestIndex >> 16) : null;
        }
    }

    /// <summary>Disposes the ciphers; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_rtpLock)
        {
            lock (_rtcpLock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _rtpCipher.Dispose();
                _rtcpCipher.Dispose();
            }
        }
    }

    /// <summary>
    /// The sender's index for <paramref name="sequenceNumber"/>; never one it used before (a reused index
    /// reuses keystream, RFC 3711 §9.1). A packet reordered within the last 128 keeps the index the receiver
    /// will estimate for it (§3.3.1); a sequence number that jumps (a bridge forwarding another leg's
    /// numbers, a sender restart) moves forward: the sender's ROC counts every wrap of SEQ (§3.3.1), so a
    /// jump of more than 2^15 takes the next ROC instead of an older, already used index.
    /// </summary>
    /// <returns>False for a sequence number already protected (a duplicate) or when 2^48 indices are spent.</returns>
    internal static bool TryNextSendIndex(ReplayWindow used, ushort sequenceNumber, out ulong index)
    {
        ulong highest = used.HighestIndex;
        if (SrtpIndexEstimator.TryEstimate(highest, sequenceNumber, out index) && index <= highest)
        {
            SrtpResult verdict = used.Check(index);
            if (verdict != SrtpResult.TooOld)
            {
                return verdict == SrtpResult.Ok;
            }
        }

        // Forward: the next index above everything used whose low 16 bits are SEQ.
        ulong step = unchecked((ushort)(sequenceNumber - (ushort)highest));
        index = highest + (step == 0 ? 1UL << 16 : step);
        return index <= SrtpIndexEstimator.MaxIndex;
    }

    private static void ValidateLength(Span<byte> buffer, int length) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)buffer.Length, nameof(length));
}
