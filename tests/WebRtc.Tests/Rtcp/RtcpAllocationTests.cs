using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Tests.Rtcp;

/// <summary>Reading and writing compound RTCP must not allocate.</summary>
public sealed class RtcpAllocationTests
{
    [Fact]
    public void ReadingAndWritingCompoundAllocatesNothing()
    {
        var buffer = new byte[256];
        var blocks = new ReportBlock[] { new() { Ssrc = 7, CumulativeLost = -1, Jitter = 3 } };
        var checksum = RoundTrip(buffer, blocks); // warm up (JIT, statics)

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            checksum += RoundTrip(buffer, blocks);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    private static long RoundTrip(byte[] buffer, ReportBlock[] blocks)
    {
        var writer = new RtcpCompoundWriter(buffer);
        Assert.True(writer.TryAdd(new SenderReport
        {
            Ssrc = 1,
            SenderInfo = new SenderInfo { NtpTime = NtpTimestamp.FromParts(2, 3), PacketCount = 4 },
            ReportBlocks = new ReportBlockList(blocks),
        }));
        Assert.True(writer.TryAddCanonicalName(1, "cname"u8));

        long checksum = 0;
        var reader = new RtcpCompoundReader(writer.WrittenSpan);
        while (reader.TryReadNext(out var packet))
        {
            if (SenderReport.TryParse(packet.Bytes, out var sr))
            {
                foreach (var block in sr.ReportBlocks)
                {
                    checksum += block.Ssrc + block.Jitter;
                }
            }
            else if (SourceDescription.TryParse(packet.Bytes, out var sdes) && sdes.TryGetCanonicalName(1, out var cname))
            {
                checksum += cname.Length;
            }
        }

        return checksum;
    }
}
