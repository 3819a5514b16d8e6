using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

public sealed class StunPrimitivesTests
{
    [Fact]
    public void Crc32_MatchesIsoHdlcCheckValue()
    {
        // The standard CRC-32 check value: CRC of ASCII "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void TransactionId_BytesRoundTrip()
    {
        byte[] bytes = Convert.FromHexString("0102030405060708090a0b0c");
        var id = StunTransactionId.FromBytes(bytes);
        var copy = new byte[12];
        id.CopyTo(copy);

        Assert.Equal(bytes, copy);
        Assert.Equal("0102030405060708090a0b0c", id.ToString());
        Assert.Throws<ArgumentException>(() => StunTransactionId.FromBytes(bytes.AsSpan(0, 11)));
    }

    [Fact]
    public void TransactionId_NewRandom_DiffersEachTime()
    {
        var seen = new HashSet<StunTransactionId>();
        for (int i = 0; i < 64; i++)
        {
            Assert.True(seen.Add(StunTransactionId.NewRandom()));
        }
    }

    [Fact]
    public void Address_EndPointRoundTrip()
    {
        var v4 = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 3478);
        var v6 = new IPEndPoint(IPAddress.Parse("::1"), 9);

        Assert.Equal(v4, StunAddress.FromEndPoint(v4).ToEndPoint());
        Assert.Equal(AddressFamily.InterNetwork, StunAddress.FromEndPoint(v4).Family);
        Assert.Equal(v6, StunAddress.FromEndPoint(v6).ToEndPoint());
        Assert.Equal(20, StunAddress.FromEndPoint(v6).WireLength);
        Assert.NotEqual(StunAddress.FromEndPoint(v4), StunAddress.FromEndPoint(new IPEndPoint(v4.Address, 3479)));
    }
}
