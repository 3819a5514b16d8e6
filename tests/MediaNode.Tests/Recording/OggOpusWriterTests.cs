using System.Buffers.Binary;
using System.Text;
using Serverless.MediaNode.Recording;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Tests.Recording;

public sealed class OggOpusWriterTests
{
    private const byte HybridFullband20Ms = 15 << 3; // TOC config 15: hybrid, 20 ms (RFC 6716 §3.1), mono, code 0

    private static byte[] Record(Action<OggOpusWriter> write, uint serial = 0x1234)
    {
        using var output = new MemoryStream();
        var writer = new OggOpusWriter(output, serial);
        write(writer);
        writer.Finish();
        return output.ToArray();
    }

    private static byte[] Packet(int length, byte fill = 0x55)
    {
        var packet = new byte[length];
        packet.AsSpan().Fill(fill);
        packet[0] = HybridFullband20Ms;
        return packet;
    }

    [Fact]
    public void Rfc7845_3_IdHeaderAloneOnTheFirstPage_CommentHeaderOnTheSecond_ThenAudio()
    {
        var pages = OggTestReader.ReadPages(Record(w =>
        {
            for (var i = 0; i < 120; i++)
            {
                w.WritePacket(Packet(80), (uint)(i * 960));
            }
        }));

        Assert.Equal(2 + 3, pages.Count); // 120 packets at 50 per page
        Assert.Equal((byte)OggHeaderType.BeginningOfStream, pages[0].HeaderType);
        Assert.Equal("OpusHead", Encoding.ASCII.GetString(Assert.Single(pages[0].Packets), 0, 8));
        Assert.Equal("OpusTags", Encoding.ASCII.GetString(Assert.Single(pages[1].Packets), 0, 8));
        Assert.Equal(0, pages[0].Granule);
        Assert.Equal(0, pages[1].Granule);
        Assert.Equal((byte)OggHeaderType.EndOfStream, pages[^1].HeaderType);
        Assert.All(pages.Skip(1).SkipLast(1), p => Assert.Equal(0, p.HeaderType));
        Assert.All(pages, p => Assert.Equal(0x1234u, p.Serial));
        Assert.Equal(Enumerable.Range(0, pages.Count).Select(i => (uint)i), pages.Select(p => p.Sequence));
        Assert.Equal(120, pages.Skip(2).Sum(p => p.Packets.Count));
    }

    [Fact]
    public void Rfc7845_5_1_OpusHeadFields()
    {
        var head = OggTestReader.ReadPages(Record(_ => { }))[0].Packets[0];

        Assert.Equal(19, head.Length);
        Assert.Equal(1, head[8]); // version
        Assert.Equal(1, head[9]); // channel count
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10))); // pre-skip
        Assert.Equal(48_000u, BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12))); // input sample rate
        Assert.Equal(0, BinaryPrimitives.ReadInt16LittleEndian(head.AsSpan(16))); // output gain
        Assert.Equal(0, head[18]); // mapping family
    }

    [Fact]
    public void Rfc7845_5_2_OpusTagsCarriesTheVendorAndNoComments()
    {
        var tags = OggTestReader.ReadPages(Record(_ => { }))[1].Packets[0];
        var vendorLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(tags.AsSpan(8));
        Assert.Equal("Serverless.MediaNode", Encoding.UTF8.GetString(tags, 12, vendorLength));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(tags.AsSpan(12 + vendorLength)));
    }

    [Fact]
    public void Rfc7845_4_GranulePositionsAreMonotonicAndEqualTheSamplesOfCompletedPackets()
    {
        var pages = OggTestReader.ReadPages(Record(w =>
        {
            for (var i = 0; i < 137; i++)
            {
                w.WritePacket(Packet(60 + i), 5_000 + (uint)(i * 960));
            }
        }));

        long samples = 0;
        foreach (var page in pages.Skip(2))
        {
            samples += page.Packets.Sum(p => Duration(p));
            Assert.Equal(samples, page.Granule);
        }

        Assert.Equal(137 * 960, pages[^1].Granule);
    }

    [Fact]
    public void Rfc7845_4_1_AGapIsFilledWithConcealmentPackets_SoGranulesFollowRtpTimestamps()
    {
        byte[] file = [];
        OggOpusWriter? writer = null;
        file = Record(w =>
        {
            writer = w;
            w.WritePacket(Packet(70), 1_000);
            w.WritePacket(Packet(70), 1_000 + 960);
            w.WritePacket(Packet(70), 1_000 + (5 * 960)); // three packets lost
            w.WritePacket(Packet(70), 1_000 + (6 * 960));
        });

        var audio = OggTestReader.ReadPages(file).Skip(2).SelectMany(p => p.Packets).ToList();

        Assert.Equal(7, audio.Count);
        Assert.Equal(new[] { 70, 70, 1, 1, 1, 70, 70 }, audio.Select(p => p.Length));
        Assert.All(audio.Where(p => p.Length == 1), p => Assert.Equal(HybridFullband20Ms, p[0])); // previous TOC, code 0, empty frame
        Assert.Equal(7 * 960, OggTestReader.ReadPages(file)[^1].Granule);
        Assert.Equal(3, writer!.ConcealmentPacketsInserted);
    }

    [Fact]
    public void RtpTimestampWrap_KeepsTheGranuleRunning()
    {
        var pages = OggTestReader.ReadPages(Record(w =>
        {
            for (var i = 0; i < 10; i++)
            {
                w.WritePacket(Packet(40), unchecked(uint.MaxValue - (3 * 960) + (uint)(i * 960)));
            }
        }));

        Assert.Equal(10 * 960, pages[^1].Granule);
        Assert.Equal(10, pages.Skip(2).Sum(p => p.Packets.Count));
    }

    [Fact]
    public void APacketBehindTheWrittenTimeline_IsDropped_NotWrittenOutOfOrder()
    {
        OggOpusWriter? writer = null;
        var file = Record(w =>
        {
            writer = w;
            w.WritePacket(Packet(50, 1), 0);
            w.WritePacket(Packet(50, 3), 1_920); // packet 2 is late: a concealment packet takes its place
            w.WritePacket(Packet(50, 2), 960);
        });

        Assert.Equal(3 * 960, OggTestReader.ReadPages(file)[^1].Granule);
        Assert.Equal(1, writer!.PacketsDropped);
    }

    [Theory]
    [InlineData(254, new[] { 254 })]
    [InlineData(255, new[] { 255, 0 })]
    [InlineData(600, new[] { 255, 255, 90 })]
    public void Rfc3533_5_LacingValuesSplitPacketsAt255(int length, int[] lacing)
    {
        var file = Record(w => w.WritePacket(Packet(length), 0));
        var pages = OggTestReader.ReadPages(file);
        var audioPageOffset = pages.Take(2).Sum(p => 27 + p.Packets.Sum(q => (q.Length / 255) + 1) + p.Packets.Sum(q => q.Length));

        Assert.Equal(lacing.Length, file[audioPageOffset + 26]);
        Assert.Equal(lacing.Select(v => (byte)v), file.AsSpan(audioPageOffset + 27, lacing.Length).ToArray());
        Assert.Equal(length, Assert.Single(pages[2].Packets).Length);
    }

    [Fact]
    public void RecordedPackets_DecodeBackToTheCallersTone()
    {
        var packets = Codecs.EncodeTone(1000, 100);
        var file = Record(w =>
        {
            for (var i = 0; i < packets.Length; i++)
            {
                w.WritePacket(packets[i], 777 + (uint)(i * 960));
            }
        });

        var recorded = OggTestReader.ReadPages(file).Skip(2).SelectMany(p => p.Packets).Select(p => (ReadOnlyMemory<byte>)p);
        var pcm = Codecs.Decode(recorded);

        Assert.Equal(100 * 960, pcm.Length);
        Assert.InRange(ToneDetector.EstimateFrequency(pcm.AsSpan(48_000)), 995, 1005);
    }

    private static int Duration(byte[] packet) => OpusPacket.SamplesPerFrame(packet[0] >> 3);
}
