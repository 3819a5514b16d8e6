using CsCheck;
using Serverless.WebRtc.Rtcp;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtcp;

/// <summary>Compound round trips (SR/RR + SDES + BYE + APP) and never-throw properties of the RTCP parsers.</summary>
public sealed class RtcpPropertyTests
{
    private sealed record Chunk(uint Ssrc, (byte Type, byte[] Text)[] Items);

    private sealed record CompoundModel(
        bool IsSender,
        uint Ssrc,
        ulong Ntp,
        uint RtpTimestamp,
        uint Packets,
        uint Octets,
        ReportBlock[] Blocks,
        Chunk[] Chunks,
        uint[] ByeSources,
        byte[] ByeReason,
        byte AppSubtype,
        byte[] AppData);

    private static readonly Gen<ReportBlock> GenBlock =
        Gen.Select(Gen.UInt, Gen.Byte, Gen.Int[ReportBlock.MinCumulativeLost, ReportBlock.MaxCumulativeLost], Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt,
            (ssrc, fraction, lost, highest, jitter, lsr, dlsr) => new ReportBlock
            {
                Ssrc = ssrc,
                FractionLost = fraction,
                CumulativeLost = lost,
                ExtendedHighestSequence = highest,
                Jitter = jitter,
                LastSenderReport = lsr,
                DelaySinceLastSenderReport = dlsr,
            });

    private static readonly Gen<Chunk> GenChunk =
        Gen.Select(Gen.UInt, Gen.Select(Gen.Byte[1, 255], Gen.Byte.Array[0, 40]).Array[0, 4], (ssrc, items) => new Chunk(ssrc, items));

    private static readonly Gen<CompoundModel> GenCompound =
        Gen.Select(
            Gen.Bool,
            Gen.UInt,
            Gen.ULong,
            Gen.UInt,
            Gen.UInt,
            Gen.UInt,
            GenBlock.Array[0, 31],
            GenChunk.Array[1, 4],
            Gen.UInt.Array[0, 31],
            Gen.Byte.Array[0, 255],
            Gen.Byte[0, 31],
            Gen.Int[0, 6].SelectMany(words => Gen.Byte.Array[words * 4]),
            (isSender, ssrc, ntp, ts, packets, octets, blocks, chunks, byeSources, reason, subtype, appData) =>
                new CompoundModel(isSender, ssrc, ntp, ts, packets, octets, blocks, chunks, byeSources, reason, subtype, appData));

    [Fact]
    public void Compound_ReadOfWriteReturnsEveryPacketAndField()
    {
        GenCompound.Sample(m =>
        {
            var buffer = new byte[8192];
            var written = Write(m, buffer);
            var datagram = buffer.AsSpan(0, written);

            Assert.Equal(RtcpDatagramKind.Compound, RtcpCompoundReader.Classify(datagram));
            var reader = new RtcpCompoundReader(datagram);
            Assert.True(reader.TryReadNext(out var report));
            AssertReport(m, report.Bytes);

            Assert.True(reader.TryReadNext(out var sdesPacket));
            Assert.True(SourceDescription.TryParse(sdesPacket.Bytes, out var sdes));
            AssertChunks(m.Chunks, sdes);

            Assert.True(reader.TryReadNext(out var byePacket));
            Assert.True(Goodbye.TryParse(byePacket.Bytes, out var bye));
            Assert.True(bye.Sources.SequenceEqual(new SsrcList(m.ByeSources)));
            Assert.Equal(m.ByeReason, bye.Reason.ToArray());

            Assert.True(reader.TryReadNext(out var appPacket));
            Assert.True(ApplicationDefined.TryParse(appPacket.Bytes, out var app));
            Assert.Equal(m.AppSubtype, app.Subtype);
            Assert.Equal(m.Ssrc, app.Ssrc);
            Assert.Equal("NAME"u8.ToArray(), app.Name.ToArray());
            Assert.Equal(m.AppData, app.Data.ToArray());

            Assert.False(reader.TryReadNext(out _));
            Assert.True(reader.IsComplete);
        });
    }

    [Fact]
    public void ArbitraryBytesNeverThrowInAnyRtcpParser()
    {
        Gen.Byte.Array[0, 200].Sample(bytes => ParseEverything(bytes));
    }

    [Fact]
    public void ValidHeaderWithRandomBodyNeverThrows()
    {
        // Steer generation past the version and length checks so the type-specific parsers see the body.
        Gen.Select(Gen.Byte, Gen.Byte[200, 207], Gen.Int[0, 20].SelectMany(words => Gen.Byte.Array[words * 4]))
            .Sample((first, type, body) =>
            {
                byte[] bytes = [(byte)(0x80 | (first & 0x3F)), type, 0, (byte)(body.Length / 4), .. body];
                ParseEverything(bytes);
            });
    }

    private static void ParseEverything(byte[] bytes)
    {
        var reader = new RtcpCompoundReader(bytes);
        while (reader.TryReadNext(out var packet))
        {
            Assert.True(packet.Body.Length <= packet.Bytes.Length);
        }

        _ = RtcpCompoundReader.Classify(bytes);
        if (SenderReport.TryParse(bytes, out var sr))
        {
            foreach (var block in sr.ReportBlocks)
            {
                Assert.InRange(block.CumulativeLost, ReportBlock.MinCumulativeLost, ReportBlock.MaxCumulativeLost);
            }
        }

        _ = ReceiverReport.TryParse(bytes, out _);
        if (SourceDescription.TryParse(bytes, out var sdes))
        {
            foreach (var chunk in sdes)
            {
                foreach (var item in chunk)
                {
                    Assert.NotEqual(SdesItemType.End, item.Type);
                }
            }
        }

        if (Goodbye.TryParse(bytes, out var bye))
        {
            foreach (var _ in bye.Sources)
            {
            }
        }

        _ = ApplicationDefined.TryParse(bytes, out _);
    }

    private static int Write(CompoundModel m, Span<byte> buffer)
    {
        var writer = new RtcpCompoundWriter(buffer);
        if (m.IsSender)
        {
            Assert.True(writer.TryAdd(new SenderReport
            {
                Ssrc = m.Ssrc,
                SenderInfo = new SenderInfo { NtpTime = new NtpTimestamp(m.Ntp), RtpTimestamp = m.RtpTimestamp, PacketCount = m.Packets, OctetCount = m.Octets },
                ReportBlocks = new ReportBlockList(m.Blocks),
            }));
        }
        else
        {
            Assert.True(writer.TryAdd(new ReceiverReport { Ssrc = m.Ssrc, ReportBlocks = new ReportBlockList(m.Blocks) }));
        }

        var sdes = new SourceDescriptionWriter(writer.Remaining);
        foreach (var chunk in m.Chunks)
        {
            Assert.True(sdes.TryAddChunk(chunk.Ssrc));
            foreach (var (type, text) in chunk.Items)
            {
                Assert.True(sdes.TryAddItem((SdesItemType)type, text));
            }
        }

        Assert.True(sdes.TryFinish(out var sdesLength));
        writer.Advance(sdesLength);

        Assert.True(writer.TryAdd(new Goodbye { Sources = new SsrcList(m.ByeSources), Reason = m.ByeReason }));
        Assert.True(writer.TryAdd(new ApplicationDefined { Subtype = m.AppSubtype, Ssrc = m.Ssrc, Name = "NAME"u8, Data = m.AppData }));
        return writer.Written;
    }

    private static void AssertReport(CompoundModel m, ReadOnlySpan<byte> packet)
    {
        ReportBlockList blocks;
        if (m.IsSender)
        {
            Assert.True(SenderReport.TryParse(packet, out var sr));
            Assert.Equal(m.Ssrc, sr.Ssrc);
            Assert.Equal(new SenderInfo { NtpTime = new NtpTimestamp(m.Ntp), RtpTimestamp = m.RtpTimestamp, PacketCount = m.Packets, OctetCount = m.Octets }, sr.SenderInfo);
            blocks = sr.ReportBlocks;
        }
        else
        {
            Assert.True(ReceiverReport.TryParse(packet, out var rr));
            Assert.Equal(m.Ssrc, rr.Ssrc);
            blocks = rr.ReportBlocks;
        }

        Assert.Equal(m.Blocks.Length, blocks.Count);
        for (var i = 0; i < m.Blocks.Length; i++)
        {
            Assert.Equal(m.Blocks[i], blocks[i]);
        }
    }

    private static void AssertChunks(Chunk[] expected, SourceDescription sdes)
    {
        Assert.Equal(expected.Length, sdes.ChunkCount);
        var index = 0;
        foreach (var chunk in sdes)
        {
            Assert.Equal(expected[index].Ssrc, chunk.Ssrc);
            var items = new List<(byte, byte[])>();
            foreach (var item in chunk)
            {
                items.Add(((byte)item.Type, item.Text.ToArray()));
            }

            Assert.Equal(expected[index].Items.Length, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                Assert.Equal(expected[index].Items[i].Type, items[i].Item1);
                Assert.Equal(expected[index].Items[i].Text, items[i].Item2);
            }

            index++;
        }

        Assert.Equal(expected.Length, index);
    }
}
