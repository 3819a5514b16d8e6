using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Serverless.WebRtc.Srtp;

/// <summary>SRTCP half of <see cref="SrtpContext"/> (RFC 3711 §3.4, RFC 7714 §9).</summary>
public sealed partial class SrtpContext
{
    /// <summary>The SRTCP index is 31 bits; the key must be replaced before it would wrap (RFC 3711 §3.4, §9.2).</summary>
    private const uint MaxRtcpIndex = 0x7FFF_FFFF;

    /// <summary>Sender: next SRTCP index per sender SSRC.</summary>
    private readonly Dictionary<uint, uint> _rtcpSendIndex = [];

    /// <summary>Receiver: SRTCP replay window per sender SSRC.</summary>
    private readonly Dictionary<uint, ReplayWindow> _rtcpReceive = [];

    /// <summary>
    /// Encrypts (E = 1) and authenticates the RTCP (compound) packet in buffer[..length] in place,
    /// appending the E/index word and the tag.
    /// </summary>
    /// <returns>
    /// False, leaving the buffer untouched, when the header is not RTCP version 2, the buffer has no room
    /// for <see cref="RtcpOverhead"/> more bytes, or the SSRC's 2^31 SRTCP indexes are used up.
    /// </returns>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        ValidateLength(buffer, length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        protectedLength = 0;
        if (buffer.Length - length < _rtcpCipher.RtcpOverhead || !RtpHeaderReader.IsRtcpHeaderValid(buffer[..length]))
        {
            return false;
        }

        uint ssrc = RtpHeaderReader.ReadRtcpSenderSsrc(buffer);
        lock (_rtcpLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ref uint next = ref CollectionsMarshal.GetValueRefOrAddDefault(_rtcpSendIndex, ssrc, out _);
            if (next > MaxRtcpIndex)
            {
                return false;
            }

            uint index = next++;
            protectedLength = _rtcpCipher.EncryptRtcp(buffer, length, ssrc, index);
        }

        return true;
    }

    /// <summary>
    /// Authenticates and (when its E flag is set) decrypts the SRTCP packet in buffer[..length] in place.
    /// On <see cref="SrtpResult.Ok"/> the RTCP packet is buffer[..plainLength]; otherwise no state changed.
    /// </summary>
    public SrtpResult UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        ValidateLength(buffer, length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        plainLength = 0;
        int overhead = _rtcpCipher.RtcpOverhead;
        if (length < RtpHeaderReader.RtcpFixedHeaderLength + overhead)
        {
            return SrtpResult.TooShort;
        }

        if (!RtpHeaderReader.IsRtcpHeaderValid(buffer[..length]))
        {
            return SrtpResult.InvalidHeader;
        }

        uint ssrc = RtpHeaderReader.ReadRtcpSenderSsrc(buffer);
        uint flagAndIndex = BinaryPrimitives.ReadUInt32BigEndian(buffer[_rtcpCipher.GetRtcpIndexOffset(length)..]);
        uint index = flagAndIndex & MaxRtcpIndex;
        lock (_rtcpLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _rtcpReceive.TryGetValue(ssrc, out ReplayWindow? window);
            if (window is not null)
            {
                SrtpResult replay = window.Check(index);
                if (replay != SrtpResult.Ok)
                {
                    return replay;
                }
            }

            if (!_rtcpCipher.DecryptRtcp(buffer, length, ssrc, flagAndIndex))
            {
                return SrtpResult.AuthenticationFailed;
            }

            if (window is null)
            {
                _rtcpReceive.Add(ssrc, ReplayWindow.StartingAt(index));
            }
            else
            {
                window.Accept(index);
            }
        }

        plainLength = length - overhead;
        return SrtpResult.Ok;
    }

    /// <summary>Test hook: sets the next SRTCP index the sender uses for an SSRC (RFC vectors start mid-stream).</summary>
    internal void SetNextRtcpSendIndex(uint ssrc, uint index)
    {
        lock (_rtcpLock)
        {
            _rtcpSendIndex[ssrc] = index;
        }
    }
}
