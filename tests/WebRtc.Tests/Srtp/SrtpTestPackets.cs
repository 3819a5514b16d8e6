using System.Buffers.Binary;
using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>Builds RTP/RTCP packets and context pairs for the SRTP tests.</summary>
internal static class SrtpTestPackets
{
    public static readonly SrtpProtectionProfile[] AllProfiles =
    [
        SrtpProtectionProfile.Aes128CmHmacSha1Tag80,
        SrtpProtectionProfile.Aes128CmHmacSha1Tag32,
        SrtpProtectionProfile.AeadAes128Gcm,
        SrtpProtectionProfile.AeadAes256Gcm,
    ];

    public static TheoryData<SrtpProtectionProfile> Profiles()
    {
        var data = new TheoryData<SrtpProtectionProfile>();
        foreach (SrtpProtectionProfile profile in AllProfiles)
        {
            data.Add(profile);
        }

        return data;
    }

    /// <summary>Deterministic master key and salt for a profile; <paramref name="seed"/> varies them.</summary>
    public static (byte[] Key, byte[] Salt) MasterKey(SrtpProtectionProfile profile, byte seed = 1)
    {
        var key = new byte[profile.GetKeyLength()];
        var salt = new byte[profile.GetSaltLength()];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(seed + (i * 7));
        }

        for (int i = 0; i < salt.Length; i++)
        {
            salt[i] = (byte)(seed ^ (0xA0 + i));
        }

        return (key, salt);
    }

    /// <summary>A sender and a receiver context sharing one master key.</summary>
    public static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProtectionProfile profile, byte seed = 1)
    {
        (byte[] key, byte[] salt) = MasterKey(profile, seed);
        return (new SrtpContext(profile, key, salt), new SrtpContext(profile, key, salt));
    }

    /// <summary>RTP packet: 12-byte header (no CSRC, no extension) then a payload derived from seq and ssrc.</summary>
    public static byte[] RtpPacket(uint ssrc, ushort sequenceNumber, int payloadLength = 160)
    {
        var packet = new byte[12 + payloadLength];
        packet[0] = 0x80;
        packet[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequenceNumber * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (int i = 0; i < payloadLength; i++)
        {
            packet[12 + i] = (byte)(sequenceNumber + ssrc + i);
        }

        return packet;
    }

    /// <summary>An RTCP receiver report with one report block, from <paramref name="ssrc"/>.</summary>
    public static byte[] RtcpPacket(uint ssrc, byte fill = 0x5A)
    {
        var packet = new byte[32];
        packet[0] = 0x81;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        packet.AsSpan(8).Fill(fill);
        return packet;
    }

    /// <summary>Protects a copy of <paramref name="plain"/> and returns exactly the protected bytes.</summary>
    public static byte[] ProtectRtp(SrtpContext sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtp(buffer, plain.Length, out int protectedLength));
        return buffer[..protectedLength];
    }

    public static byte[] ProtectRtcp(SrtpContext sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtcp(buffer, plain.Length, out int protectedLength));
        return buffer[..protectedLength];
    }

    /// <summary>Unprotects a copy; returns the result and the plain bytes (empty unless Ok).</summary>
    public static (SrtpResult Result, byte[] Plain) UnprotectRtp(SrtpContext receiver, byte[] protectedPacket)
    {
        byte[] buffer = (byte[])protectedPacket.Clone();
        SrtpResult result = receiver.UnprotectRtp(buffer, buffer.Length, out int plainLength);
        return (result, buffer[..plainLength]);
    }

    public static (SrtpResult Result, byte[] Plain) UnprotectRtcp(SrtpContext receiver, byte[] protectedPacket)
    {
        byte[] buffer = (byte[])protectedPacket.Clone();
        SrtpResult result = receiver.UnprotectRtcp(buffer, buffer.Length, out int plainLength);
        return (result, buffer[..plainLength]);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));
}
