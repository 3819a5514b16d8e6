using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>RFC 4733 telephone-event payload: §2.3 field layout and §3.2 DTMF event codes.</summary>
public sealed class TelephoneEventRfc4733VectorTests
{
    [Fact]
    public void Rfc4733_2_3_EventPayload_FieldLayout()
    {
        // event 5, E=1, R=0, volume 10, duration 800 (100 ms at 8000 Hz).
        byte[] payload = Convert.FromHexString("058A0320");

        Assert.True(TelephoneEvent.TryParse(payload, out var dtmf));

        Assert.Equal(5, dtmf.EventCode);
        Assert.True(dtmf.IsEnd);
        Assert.Equal(10, dtmf.Volume);
        Assert.Equal(800, dtmf.Duration);
        Assert.True(dtmf.IsDtmf);
    }

    [Fact]
    public void Rfc4733_2_3_3_ReservedBitIgnoredOnReceiptAndZeroOnSend()
    {
        byte[] payload = Convert.FromHexString("0BCA00A0"); // R bit set

        Assert.True(TelephoneEvent.TryParse(payload, out var dtmf));
        Assert.True(dtmf.IsEnd);
        Assert.Equal(10, dtmf.Volume);

        var written = new byte[4];
        Assert.True(dtmf.TryWrite(written, out var count));
        Assert.Equal(4, count);
        Assert.Equal(Convert.FromHexString("0B8A00A0"), written);
    }

    [Fact]
    public void Rfc4733_2_3_EventPayload_WriteStartPacket()
    {
        var start = new TelephoneEvent { EventCode = 11, IsEnd = false, Volume = 63, Duration = 160 };
        var buffer = new byte[4];

        Assert.True(start.TryWrite(buffer, out _));

        Assert.Equal(Convert.FromHexString("0B3F00A0"), buffer);
    }

    [Fact]
    public void Rfc4733_2_3_4_VolumeIsSixBits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TelephoneEvent { Volume = 64 });
    }

    [Fact]
    public void Rfc4733_2_5_MultipleEventsInOnePayloadAreAllRead()
    {
        byte[] payload = Convert.FromHexString("018A0320" + "020A0140");
        var events = new List<TelephoneEvent>();
        var reader = new TelephoneEventReader(payload);
        foreach (var e in reader)
        {
            events.Add(e);
        }

        Assert.False(reader.IsMalformed);
        Assert.Equal([1, 2], events.Select(e => e.EventCode));
        Assert.Equal([true, false], events.Select(e => e.IsEnd));
    }

    [Theory]
    [InlineData("")]
    [InlineData("058A03")]
    [InlineData("058A0320AA")]
    public void Rfc4733_2_3_PayloadNotWholeEventsIsMalformed(string hex)
    {
        byte[] payload = Convert.FromHexString(hex);
        var reader = new TelephoneEventReader(payload);

        Assert.True(reader.IsMalformed);
        Assert.Equal(hex.Length >= 8, TelephoneEvent.TryParse(payload, out _));
    }

    [Theory]
    [InlineData('0', 0)]
    [InlineData('9', 9)]
    [InlineData('*', 10)]
    [InlineData('#', 11)]
    [InlineData('A', 12)]
    [InlineData('d', 15)]
    public void Rfc4733_3_2_DtmfCharacterMapsToEventCode(char dtmf, byte expected)
    {
        Assert.True(TelephoneEvent.TryGetEventCode(dtmf, out var code));
        Assert.Equal(expected, code);
        Assert.True(TelephoneEvent.TryGetDtmfCharacter(code, out var back));
        Assert.Equal(char.ToUpperInvariant(dtmf), back);
    }

    [Fact]
    public void Rfc4733_3_2_NonDtmfCodesAndCharactersDoNotMap()
    {
        Assert.False(TelephoneEvent.TryGetEventCode('E', out _));
        Assert.False(TelephoneEvent.TryGetDtmfCharacter(16, out _));
        Assert.False(new TelephoneEvent { EventCode = 16 }.IsDtmf);
    }
}
