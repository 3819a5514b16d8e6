using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>The receive path parses every packet, so parsing must not allocate.</summary>
public sealed class RtpAllocationTests
{
    [Fact]
    public void ParsingPacketAndExtensionsAllocatesNothing()
    {
        byte[] packet = RtpTestVectors.LibwebrtcOpusPacket();
        var checksum = ParseMany(packet, 1); // warm up (JIT, statics)

        var before = GC.GetAllocatedBytesForCurrentThread();
        checksum += ParseMany(packet, 1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    private static long ParseMany(byte[] packet, int times)
    {
        long checksum = 0;
        for (var i = 0; i < times; i++)
        {
            Assert.True(RtpPacket.TryParse(packet, out var rtp));
            foreach (var element in new RtpExtensionReader(rtp.Header))
            {
                checksum += element.Id + element.Data.Length;
            }

            checksum += rtp.Payload.Length + rtp.Header.Csrcs.Count;
        }

        return checksum;
    }
}
