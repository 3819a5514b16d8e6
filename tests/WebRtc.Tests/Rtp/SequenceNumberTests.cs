using CsCheck;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>RFC 1982 serial number arithmetic on 16-bit RTP sequence numbers, and unwrapping.</summary>
public sealed class SequenceNumberTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 65535)]
    [InlineData(100, 65000)]
    [InlineData(32767, 0)]
    public void Rfc1982_3_2_NewerAcrossWrap(ushort newer, ushort older)
    {
        var a = new SequenceNumber(newer);
        var b = new SequenceNumber(older);

        Assert.True(a.IsNewerThan(b));
        Assert.False(b.IsNewerThan(a));
        Assert.True(a > b);
        Assert.True(b < a);
    }

    [Fact]
    public void Rfc1982_3_2_HalfSpaceApartIsOrderedByRawValue()
    {
        var low = new SequenceNumber(0);
        var high = new SequenceNumber(0x8000);

        Assert.True(high.IsNewerThan(low));
        Assert.False(low.IsNewerThan(high));
        Assert.Equal(32768, SequenceNumber.Distance(low, high));
        Assert.Equal(-32768, SequenceNumber.Distance(high, low));
    }

    [Fact]
    public void Distance_IsSignedAndWrapAware()
    {
        Assert.Equal(2, SequenceNumber.Distance(new SequenceNumber(65535), new SequenceNumber(1)));
        Assert.Equal(-2, SequenceNumber.Distance(new SequenceNumber(1), new SequenceNumber(65535)));
        Assert.Equal(new SequenceNumber(0), new SequenceNumber(65535).Next());
        Assert.Equal(new SequenceNumber(65534), new SequenceNumber(1).Add(-3));
    }

    [Fact]
    public void Ordering_IsAntisymmetricAndMatchesDistance()
    {
        Gen.Select(Gen.UShort, Gen.UShort).Sample((a, b) =>
        {
            var x = new SequenceNumber(a);
            var y = new SequenceNumber(b);
            Assert.Equal(-x.CompareTo(y), y.CompareTo(x));
            Assert.Equal(Math.Sign(SequenceNumber.Distance(y, x)), x.CompareTo(y));
            Assert.Equal(b, x.Add(SequenceNumber.Distance(x, y)).Value);
        });
    }

    [Fact]
    public void Rfc3550_A_1_UnwrapperCountsCyclesAcrossWrap()
    {
        var unwrapper = new SequenceNumberUnwrapper();

        Assert.Equal(65534, unwrapper.Unwrap(65534));
        Assert.Equal(65535, unwrapper.Unwrap(65535));
        Assert.Equal(65536, unwrapper.Unwrap(0));
        Assert.Equal(65535, unwrapper.Unwrap(65535)); // reordered packet keeps its place
        Assert.Equal(65537, unwrapper.Unwrap(1));
        Assert.Equal(65536 + 30001, unwrapper.Unwrap(30001));
        Assert.Equal(65536 + 60000, unwrapper.Unwrap(60000));
        Assert.Equal(131072 + 5, unwrapper.Unwrap(5));
    }

    [Fact]
    public void Rfc3550_A_1_PacketBeforeTheFirstAcrossWrapUnwrapsNegativeWithoutShiftingLaterOnes()
    {
        var unwrapper = new SequenceNumberUnwrapper();

        Assert.Equal(10, unwrapper.Unwrap(10));
        Assert.Equal(-6, unwrapper.Unwrap(65530));
        Assert.Equal(11, unwrapper.Unwrap(11));
    }

    [Fact]
    public void Unwrapper_ReconstructsAnyIncreasingRunWithSmallSteps()
    {
        Gen.Select(Gen.UShort, Gen.Int[1, 1000].Array[1, 200]).Sample((start, steps) =>
        {
            var unwrapper = new SequenceNumberUnwrapper();
            long expected = start;
            Assert.Equal(expected, unwrapper.Unwrap(start));
            foreach (var step in steps)
            {
                expected += step;
                Assert.Equal(expected, unwrapper.Unwrap((ushort)expected));
            }
        });
    }
}
