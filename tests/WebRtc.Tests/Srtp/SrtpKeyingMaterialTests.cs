using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>Splitting the DTLS exporter output (RFC 5764 §4.2) and the resulting contexts.</summary>
public sealed class SrtpKeyingMaterialTests
{
    [Theory]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag80, 60)]
    [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1Tag32, 60)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm, 56)]
    [InlineData(SrtpProtectionProfile.AeadAes256Gcm, 88)]
    public void Rfc5764_4_2_ExporterLengthPerProfile(SrtpProtectionProfile profile, int expected) =>
        Assert.Equal(expected, profile.GetExporterLength());

    [Fact]
    public void Rfc5764_4_2_ClientWriteKeyThenServerWriteKeyThenClientSaltThenServerSalt()
    {
        byte[] material = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();

        SrtpKeyingMaterial client = SrtpKeyingMaterial.FromDtlsExporter(material, SrtpProtectionProfile.Aes128CmHmacSha1Tag80, isClient: true);
        SrtpKeyingMaterial server = SrtpKeyingMaterial.FromDtlsExporter(material, SrtpProtectionProfile.Aes128CmHmacSha1Tag80, isClient: false);

        Assert.Equal(material[0..16], client.LocalMasterKey.ToArray());
        Assert.Equal(material[16..32], client.RemoteMasterKey.ToArray());
        Assert.Equal(material[32..46], client.LocalMasterSalt.ToArray());
        Assert.Equal(material[46..60], client.RemoteMasterSalt.ToArray());

        Assert.Equal(material[16..32], server.LocalMasterKey.ToArray());
        Assert.Equal(material[0..16], server.RemoteMasterKey.ToArray());
        Assert.Equal(material[46..60], server.LocalMasterSalt.ToArray());
        Assert.Equal(material[32..46], server.RemoteMasterSalt.ToArray());
    }

    [Fact]
    public void Rfc5764_4_2_Aes256GcmSplitUses32ByteKeysAnd12ByteSalts()
    {
        byte[] material = Enumerable.Range(0, 88).Select(i => (byte)i).ToArray();
        SrtpKeyingMaterial server = SrtpKeyingMaterial.FromDtlsExporter(material, SrtpProtectionProfile.AeadAes256Gcm, isClient: false);

        Assert.Equal(material[32..64], server.LocalMasterKey.ToArray());
        Assert.Equal(material[76..88], server.LocalMasterSalt.ToArray());
        Assert.Equal(material[0..32], server.RemoteMasterKey.ToArray());
        Assert.Equal(material[64..76], server.RemoteMasterSalt.ToArray());
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc5764_4_2_ClientOutboundIsServerInbound(SrtpProtectionProfile profile)
    {
        byte[] material = Enumerable.Range(0, profile.GetExporterLength()).Select(i => (byte)(i * 13)).ToArray();
        SrtpKeyingMaterial client = SrtpKeyingMaterial.FromDtlsExporter(material, profile, isClient: true);
        SrtpKeyingMaterial server = SrtpKeyingMaterial.FromDtlsExporter(material, profile, isClient: false);

        using SrtpContext clientOut = client.CreateOutboundContext();
        using SrtpContext clientIn = client.CreateInboundContext();
        using SrtpContext serverOut = server.CreateOutboundContext();
        using SrtpContext serverIn = server.CreateInboundContext();

        byte[] fromClient = ProtectRtp(clientOut, RtpPacket(1, 1));
        byte[] fromServer = ProtectRtp(serverOut, RtpPacket(2, 1));
        Assert.Equal(SrtpResult.Ok, UnprotectRtp(serverIn, fromClient).Result);
        Assert.Equal(SrtpResult.Ok, UnprotectRtp(clientIn, fromServer).Result);

        // Own keys never decrypt own traffic: the directions really are distinct.
        Assert.Equal(SrtpResult.AuthenticationFailed, UnprotectRtp(clientIn, fromClient).Result);
    }

    [Fact]
    public void Rfc5764_4_2_WrongMaterialLengthThrows() =>
        Assert.Throws<ArgumentException>(() =>
            SrtpKeyingMaterial.FromDtlsExporter(new byte[60], SrtpProtectionProfile.AeadAes128Gcm, isClient: true));

    [Fact]
    public void ToStringDoesNotRevealKeys()
    {
        byte[] material = Enumerable.Repeat((byte)0xAB, 60).ToArray();
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.FromDtlsExporter(material, SrtpProtectionProfile.Aes128CmHmacSha1Tag80, isClient: true);
        Assert.DoesNotContain("AB", keys.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("171", keys.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClearWipesMasterKeys()
    {
        byte[] material = Enumerable.Repeat((byte)0xAB, 56).ToArray();
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.FromDtlsExporter(material, SrtpProtectionProfile.AeadAes128Gcm, isClient: true);
        keys.Clear();
        Assert.All(keys.LocalMasterKey.ToArray(), b => Assert.Equal(0, b));
        Assert.All(keys.RemoteMasterSalt.ToArray(), b => Assert.Equal(0, b));
    }
}
