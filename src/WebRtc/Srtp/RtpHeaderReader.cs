using System.Buffers.Binary;

namespace Serverless.WebRtc.Srtp;

/// <summary>
/// The few RTP/RTCP header fields SRTP needs, read without depending on the RTP layer:
/// RTP header length = 12 + 4*CC (+ 4 + 4*extension length when X is set) (RFC 3550 §5.1, §5.3.1).
/// </summary>
internal static class RtpHeaderReader
{
    public const int RtpFixedHeaderLength = 12;

    /// <summary>SRTCP leaves the first 8 bytes (V/P/RC, PT, length, sender SSRC) in clear (RFC 3711 §3.4).</summary>
    public const int RtcpFixedHeaderLength = 8;

    private const int Version = 2;

    public static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpFixedHeaderLength || packet[0] >> 6 != Version)
        {
            return false;
        }

        int length = RtpFixedHeaderLength + (4 * (packet[0] & 0x0F));
        bool hasExtension = (packet[0] & 0x10) != 0;
        if (hasExtension)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }

    public static ushort ReadSequenceNumber(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);

    public static uint ReadRtpSsrc(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);

    public static bool IsRtcpHeaderValid(ReadOnlySpan<byte> packet) =>
        packet.Length >= RtcpFixedHeaderLength && packet[0] >> 6 == Version;

    public static uint ReadRtcpSenderSsrc(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
}
