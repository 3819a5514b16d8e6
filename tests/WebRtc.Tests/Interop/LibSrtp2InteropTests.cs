using Serverless.WebRtc.Srtp;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// Live interop with libsrtp2, the reference implementation (Debian's libsrtp2-1, loaded in process): the same
/// plaintext under the same master key gives byte-identical SRTP and SRTCP, and each side unprotects the other's
/// packets, across a sequence-number rollover (RFC 3711 §3.3.1) and with reordering inside the replay window.
/// </summary>
public sealed class LibSrtp2InteropTests
{
    private const uint Ssrc = 0x1234ABCD;

    public LibSrtp2InteropTests() =>
        Assert.True(LibSrtp2Session.IsAvailable, "libsrtp2.so.1 is missing: install the apt package libsrtp2-1 (scripts/test.sh does).");

    public static TheoryData<SrtpProtectionProfile> AllProfiles() => Profiles();

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Rfc3711_3_3_Srtp_is_byte_identical_to_libsrtp2_across_a_rollover(SrtpProtectionProfile profile)
    {
        (byte[] key, byte[] salt) = MasterKey(profile, seed: 9);
        using var ours = new SrtpContext(profile, key, salt);
        using var theirs = LibSrtp2Session.Create(profile, key, salt, outbound: true);

        int compared = 0;
        foreach (ushort sequence in Sequences(start: 65_000, count: 1_500))
        {
            byte[] plain = RtpPacket(Ssrc, sequence, payloadLength: 20 + (sequence % 380));
            byte[] mine = ProtectOurs(ours, plain);
            byte[] reference = ProtectTheirs(theirs, plain);
            Assert.Equal(reference, mine);
            compared++;
        }

        Assert.Equal(1_500, compared);
        Assert.Equal(1u, ours.GetSendRolloverCounter(Ssrc));
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Rfc3711_3_3_Each_side_unprotects_the_others_packets_reordered_across_a_rollover(SrtpProtectionProfile profile)
    {
        (byte[] key, byte[] salt) = MasterKey(profile, seed: 3);
        using var ourSender = new SrtpContext(profile, key, salt);
        using var ourReceiver = new SrtpContext(profile, key, salt);
        using var theirSender = LibSrtp2Session.Create(profile, key, salt, outbound: true);
        using var theirReceiver = LibSrtp2Session.Create(profile, key, salt, outbound: false);

        ushort[] sequences = Sequences(start: 65_300, count: 600).ToArray();
        byte[][] plains = sequences.Select(s => RtpPacket(Ssrc, s, payloadLength: 160)).ToArray();
        byte[][] fromUs = plains.Select(p => ProtectOurs(ourSender, p)).ToArray();
        byte[][] fromThem = plains.Select(p => ProtectTheirs(theirSender, p)).ToArray();

        int accepted = 0;
        foreach (int i in ReorderedWithinWindow(sequences.Length))
        {
            byte[] buffer = Padded(fromUs[i]);
            int plainLength = theirReceiver.UnprotectRtp(buffer, fromUs[i].Length);
            Assert.True(plainLength > 0, $"libsrtp2 refused our packet {sequences[i]} with status {-plainLength}");
            Assert.Equal(plains[i], buffer[..plainLength]);

            buffer = Padded(fromThem[i]);
            Assert.Equal(SrtpResult.Ok, ourReceiver.UnprotectRtp(buffer, fromThem[i].Length, out int ourPlain));
            Assert.Equal(plains[i], buffer[..ourPlain]);
            accepted++;
        }

        Assert.Equal(sequences.Length, accepted);
        Assert.Equal(1u, ourReceiver.GetReceiveRolloverCounter(Ssrc));
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Rfc3711_3_4_Srtcp_is_byte_identical_to_libsrtp2_and_each_side_reads_the_other(SrtpProtectionProfile profile)
    {
        (byte[] key, byte[] salt) = MasterKey(profile, seed: 5);
        using var ours = new SrtpContext(profile, key, salt);
        using var ourReceiver = new SrtpContext(profile, key, salt);
        using var theirs = LibSrtp2Session.Create(profile, key, salt, outbound: true);
        using var theirReceiver = LibSrtp2Session.Create(profile, key, salt, outbound: false);
        // RFC 3711 §3.4 starts the SRTCP index at 0, as we do; libsrtp increments first and sends 1 first.
        ours.SetNextRtcpSendIndex(Ssrc, 1);

        for (int n = 0; n < 200; n++)
        {
            byte[] plain = RtcpPacket(Ssrc, fill: (byte)n);
            byte[] mine = Padded(plain);
            Assert.True(ours.TryProtectRtcp(mine, plain.Length, out int mineLength));
            byte[] reference = Padded(plain);
            int referenceLength = theirs.ProtectRtcp(reference, plain.Length);
            Assert.Equal(reference[..referenceLength], mine[..mineLength]);

            int theirPlain = theirReceiver.UnprotectRtcp(mine, mineLength);
            Assert.Equal(plain.Length, theirPlain);
            Assert.Equal(SrtpResult.Ok, ourReceiver.UnprotectRtcp(reference, referenceLength, out int ourPlain));
            Assert.Equal(plain, reference[..ourPlain]);
        }
    }

    [Theory]
    [MemberData(nameof(AllProfiles))]
    public void Rfc3711_3_3_Both_refuse_a_tampered_packet_from_the_other(SrtpProtectionProfile profile)
    {
        (byte[] key, byte[] salt) = MasterKey(profile, seed: 7);
        using var ours = new SrtpContext(profile, key, salt);
        using var theirs = LibSrtp2Session.Create(profile, key, salt, outbound: true);
        using var ourReceiver = new SrtpContext(profile, key, salt);
        using var theirReceiver = LibSrtp2Session.Create(profile, key, salt, outbound: false);
        byte[] plain = RtpPacket(Ssrc, 42);

        byte[] mine = ProtectOurs(ours, plain);
        mine[20] ^= 0x01;
        Assert.True(theirReceiver.UnprotectRtp(Padded(mine), mine.Length) < 0);

        byte[] reference = ProtectTheirs(theirs, plain);
        reference[20] ^= 0x01;
        Assert.NotEqual(SrtpResult.Ok, ourReceiver.UnprotectRtp(Padded(reference), reference.Length, out _));
    }

    private static IEnumerable<ushort> Sequences(int start, int count) =>
        Enumerable.Range(start, count).Select(i => (ushort)i);

    /// <summary>Swaps neighbours in blocks of 8 (reversed), well inside the 64-packet replay window.</summary>
    private static IEnumerable<int> ReorderedWithinWindow(int count)
    {
        for (int block = 0; block < count; block += 8)
        {
            for (int i = Math.Min(block + 7, count - 1); i >= block; i--)
            {
                yield return i;
            }
        }
    }

    private static byte[] ProtectOurs(SrtpContext context, byte[] plain)
    {
        byte[] buffer = Padded(plain);
        Assert.True(context.TryProtectRtp(buffer, plain.Length, out int length));
        return buffer[..length];
    }

    private static byte[] ProtectTheirs(LibSrtp2Session session, byte[] plain)
    {
        byte[] buffer = Padded(plain);
        return buffer[..session.ProtectRtp(buffer, plain.Length)];
    }

    private static byte[] Padded(byte[] packet)
    {
        var buffer = new byte[packet.Length + LibSrtp2Session.MaxTrailer];
        packet.CopyTo(buffer, 0);
        return buffer;
    }
}
