using CsCheck;
using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Tests.Rtcp;

/// <summary>NTP timestamp conversions (RFC 5905 §6, era rule of RFC 4330 §3) and the 16.16 compact form.</summary>
public sealed class NtpTimestampTests
{
    [Fact]
    public void Rfc5905_6_UnixEpochIs2208988800NtpSeconds()
    {
        var ntp = NtpTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);

        Assert.Equal(2_208_988_800u, ntp.Seconds);
        Assert.Equal(0u, ntp.Fraction);
        Assert.Equal(DateTimeOffset.UnixEpoch, ntp.ToDateTimeOffset());
    }

    [Fact]
    public void Rfc5905_6_HalfSecondIsTopFractionBit()
    {
        var ntp = NtpTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddMilliseconds(500));

        Assert.Equal(0x8000_0000u, ntp.Fraction);
    }

    [Fact]
    public void Rfc4330_3_SecondsWithTopBitClearAreEra1()
    {
        var era1Start = new DateTimeOffset(2036, 2, 7, 6, 28, 16, TimeSpan.Zero);

        Assert.Equal(0u, NtpTimestamp.FromDateTimeOffset(era1Start).Seconds);
        Assert.Equal(era1Start.AddSeconds(1), NtpTimestamp.FromParts(1, 0).ToDateTimeOffset());
        Assert.Equal(era1Start.AddSeconds(-1), NtpTimestamp.FromParts(uint.MaxValue, 0).ToDateTimeOffset());
    }

    [Fact]
    public void Rfc3550_6_4_1_Middle32IsLowSecondsAndHighFraction()
    {
        Assert.Equal(0x5678_9ABCu, NtpTimestamp.FromParts(0x1234_5678, 0x9ABC_DEF0).Middle32);
    }

    [Fact]
    public void NowReadsTheInjectedClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));

        Assert.Equal(clock.GetUtcNow(), NtpTimestamp.Now(clock).ToDateTimeOffset());
    }

    [Fact]
    public void DateTimeRoundTripsToTheTickBetween1968And2104()
    {
        var first = new DateTimeOffset(1968, 1, 21, 0, 0, 0, TimeSpan.Zero).Ticks;
        var last = new DateTimeOffset(2104, 2, 1, 0, 0, 0, TimeSpan.Zero).Ticks;
        Gen.Long[first, last].Sample(ticks =>
        {
            var time = new DateTimeOffset(ticks, TimeSpan.Zero);
            Assert.Equal(time, NtpTimestamp.FromDateTimeOffset(time).ToDateTimeOffset());
        });
    }

    [Fact]
    public void CompactNtp_DelayIsInUnitsOf1Over65536Second()
    {
        Assert.Equal(0x0001_8000u, CompactNtp.FromTimeSpan(TimeSpan.FromSeconds(1.5)));
        Assert.Equal(0u, CompactNtp.FromTimeSpan(TimeSpan.FromSeconds(-1)));
        Assert.Equal(uint.MaxValue, CompactNtp.FromTimeSpan(TimeSpan.FromDays(2)));
    }
}
