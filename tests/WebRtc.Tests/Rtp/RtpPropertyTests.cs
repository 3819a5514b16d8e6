using CsCheck;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>Round trips and robustness of the RTP, RFC 8285 and RFC 4733 parsers over generated input.</summary>
public sealed class RtpPropertyTests
{
    private sealed record HeaderModel(
        bool Marker,
        byte PayloadType,
        ushort SequenceNumber,
        uint Timestamp,
        uint Ssrc,
        uint[] Csrcs,
        bool HasExtension,
        ushort Profile,
        byte[] ExtensionData,
        byte[] Payload,
        byte Padding);

    private static readonly Gen<HeaderModel> GenHeader =
        Gen.Select(
            Gen.Bool,
            Gen.Byte[0, 127],
            Gen.UShort,
            Gen.UInt,
            Gen.UInt,
            Gen.UInt.Array[0, 15],
            Gen.Bool,
            Gen.UShort,
            Gen.Int[0, 8].SelectMany(words => Gen.Byte.Array[words * 4]),
            Gen.Byte.Array[0, 200],
            Gen.OneOf(Gen.Const((byte)0), Gen.Byte[1, 255]),
            (marker, pt, seq, ts, ssrc, csrcs, hasExt, profile, ext, payload, padding) =>
                new HeaderModel(marker, pt, seq, ts, ssrc, csrcs, hasExt, profile, ext, payload, padding));

    [Fact]
    public void RtpPacket_ParseOfWriteReturnsEveryField()
    {
        GenHeader.Sample(m =>
        {
            var packet = new RtpPacket
            {
                Header = new RtpHeader
                {
                    Marker = m.Marker,
                    PayloadType = m.PayloadType,
                    SequenceNumber = m.SequenceNumber,
                    Timestamp = m.Timestamp,
                    Ssrc = m.Ssrc,
                    Csrcs = new SsrcList(m.Csrcs),
                    HasExtension = m.HasExtension,
                    ExtensionProfile = m.HasExtension ? m.Profile : (ushort)0,
                    ExtensionData = m.HasExtension ? m.ExtensionData : [],
                },
                Payload = m.Payload,
                PaddingLength = m.Padding,
            };
            var buffer = new byte[packet.GetSize()];
            Assert.True(packet.TryWrite(buffer, out var written));
            Assert.Equal(buffer.Length, written);

            Assert.True(RtpPacket.TryParse(buffer, out var parsed));
            var h = parsed.Header;
            Assert.Equal(m.Marker, h.Marker);
            Assert.Equal(m.PayloadType, h.PayloadType);
            Assert.Equal(m.SequenceNumber, h.SequenceNumber);
            Assert.Equal(m.Timestamp, h.Timestamp);
            Assert.Equal(m.Ssrc, h.Ssrc);
            Assert.True(h.Csrcs.SequenceEqual(new SsrcList(m.Csrcs)));
            Assert.Equal(m.HasExtension, h.HasExtension);
            Assert.Equal(m.HasExtension ? m.Profile : 0, h.ExtensionProfile);
            Assert.Equal(m.HasExtension ? m.ExtensionData : [], h.ExtensionData.ToArray());
            Assert.Equal(m.Padding > 0, h.HasPadding);
            Assert.Equal(m.Padding, parsed.PaddingLength);
            Assert.Equal(m.Payload, parsed.Payload.ToArray());
        });
    }

    [Fact]
    public void RtpHeader_ParseOfWriteReturnsEveryField()
    {
        GenHeader.Sample(m =>
        {
            var header = new RtpHeader
            {
                HasPadding = m.Padding > 0,
                Marker = m.Marker,
                PayloadType = m.PayloadType,
                SequenceNumber = m.SequenceNumber,
                Timestamp = m.Timestamp,
                Ssrc = m.Ssrc,
                Csrcs = new SsrcList(m.Csrcs),
                HasExtension = m.HasExtension,
                ExtensionProfile = m.Profile,
                ExtensionData = m.HasExtension ? m.ExtensionData : [],
            };
            var buffer = new byte[header.Length];
            Assert.True(header.TryWrite(buffer, out _));

            Assert.True(RtpHeader.TryParse(buffer, out var parsed));
            Assert.Equal(header.HasPadding, parsed.HasPadding);
            Assert.Equal(header.Marker, parsed.Marker);
            Assert.Equal(header.PayloadType, parsed.PayloadType);
            Assert.Equal(header.SequenceNumber, parsed.SequenceNumber);
            Assert.Equal(header.Timestamp, parsed.Timestamp);
            Assert.Equal(header.Ssrc, parsed.Ssrc);
            Assert.True(header.Csrcs.SequenceEqual(parsed.Csrcs));
            Assert.Equal(header.HasExtension, parsed.HasExtension);
            Assert.Equal(m.HasExtension ? m.Profile : 0, parsed.ExtensionProfile);
            Assert.Equal(header.ExtensionData.ToArray(), parsed.ExtensionData.ToArray());
            Assert.Equal(header.Length, parsed.Length);
        });
    }

    [Fact]
    public void RtpPacket_ArbitraryBytesNeverThrow()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            if (RtpPacket.TryParse(bytes, out var packet))
            {
                Assert.Equal(bytes.Length, packet.Length);
                foreach (var element in new RtpExtensionReader(packet.Header))
                {
                    Assert.True(element.Data.Length <= packet.Header.ExtensionData.Length);
                }
            }
        });
    }

    [Fact]
    public void RtpPacket_ValidHeaderPrefixWithRandomTailNeverThrows()
    {
        // Steer generation past the version check so the CSRC/extension/padding paths are exercised.
        Gen.Select(Gen.Byte, Gen.Byte.Array[11, 120]).Sample((first, rest) =>
        {
            byte[] bytes = [(byte)(0x80 | (first & 0x3F)), .. rest];
            _ = RtpPacket.TryParse(bytes, out _);
        });
    }

    [Fact]
    public void RtpExtensionReader_ArbitraryDataNeverThrows()
    {
        Gen.Select(Gen.OneOf(Gen.Const(RtpExtensionProfiles.OneByte), Gen.Const(RtpExtensionProfiles.TwoByte), Gen.UShort), Gen.Byte.Array[0, 64])
            .Sample((profile, data) =>
            {
                var reader = new RtpExtensionReader(profile, data);
                var total = 0;
                while (reader.TryReadNext(out var element))
                {
                    total += element.Data.Length;
                }

                Assert.NotEqual(RtpExtensionReadStatus.Reading, reader.Status);
                Assert.True(total <= data.Length);
            });
    }

    [Fact]
    public void RtpExtensionWriter_ReaderReturnsWhatWasWritten()
    {
        var genElements = Gen.Select(Gen.Byte[1, 255], Gen.Byte.Array[0, 20]).Array[0, 10];
        genElements.Sample(elements =>
        {
            var form = elements.All(e => RtpExtensionWriter.RequiredForm(e.Item1, e.Item2.Length) == RtpExtensionForm.OneByte)
                ? RtpExtensionForm.OneByte
                : RtpExtensionForm.TwoByte;
            var buffer = new byte[512];
            var writer = new RtpExtensionWriter(buffer, form);
            foreach (var (id, data) in elements)
            {
                Assert.True(writer.TryAdd(id, data));
            }

            Assert.True(writer.TryFinish(out var block));
            Assert.Equal(0, block.Length % 4);

            var reader = new RtpExtensionReader(writer.Profile, block);
            var index = 0;
            while (reader.TryReadNext(out var element))
            {
                Assert.Equal(elements[index].Item1, element.Id);
                Assert.Equal(elements[index].Item2, element.Data.ToArray());
                index++;
            }

            Assert.Equal(elements.Length, index);
            Assert.Equal(RtpExtensionReadStatus.Complete, reader.Status);
        });
    }

    [Fact]
    public void TelephoneEvent_ParseOfWriteIsIdentity()
    {
        Gen.Select(Gen.Byte, Gen.Bool, Gen.Byte[0, 63], Gen.UShort).Sample((code, end, volume, duration) =>
        {
            var original = new TelephoneEvent { EventCode = code, IsEnd = end, Volume = volume, Duration = duration };
            var buffer = new byte[TelephoneEvent.Length];
            Assert.True(original.TryWrite(buffer, out _));
            Assert.True(TelephoneEvent.TryParse(buffer, out var parsed));
            Assert.Equal(original, parsed);
        });
    }

    [Fact]
    public void TelephoneEvent_ArbitraryBytesNeverThrow()
    {
        Gen.Byte.Array[0, 40].Sample(bytes =>
        {
            var count = 0;
            foreach (var e in new TelephoneEventReader(bytes))
            {
                Assert.InRange(e.Volume, 0, TelephoneEvent.MaxVolume);
                count++;
            }

            Assert.Equal(bytes.Length / 4, count);
        });
    }
}
