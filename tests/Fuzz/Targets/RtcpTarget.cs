using System.Buffers.Binary;
using Serverless.WebRtc.Rtcp;

namespace Serverless.Fuzz.Targets;

/// <summary>RTCP compound datagrams (RFC 3550 §6, RFC 5506): the compound reader and every typed packet parser.</summary>
internal sealed class RtcpTarget : FuzzTarget
{
    public override string Name => "rtcp";

    public override string Parser => "Serverless.WebRtc.Rtcp.RtcpCompoundReader, SenderReport/ReceiverReport/SourceDescription/Goodbye/ApplicationDefined.TryParse";

    public override IReadOnlyList<byte[]> Seeds()
    {
        const string sr = "81C8000C" + "2A5C1B3D" + "E9E1A2B3C4D5E6F7" + "0001E240" + "00000064" + "00003A98" + ReportBlock;
        const string sdes = "81CA0004" + "2A5C1B3D" + "0108" + "6162636431323334" + "0000";
        const string bye = "81CB0001" + "2A5C1B3D";
        const string byeReason = "82CB0004" + "2A5C1B3D" + "11111111" + "05" + "6C65617665" + "0000";
        const string rr = "81C90007" + "11111111" + ReportBlock;
        const string app = "85CC0003" + "2A5C1B3D" + "54455354" + "01020304";
        const string xr = "80CF0002" + "2A5C1B3D" + "04000000";
        return
        [
            Convert.FromHexString(sr + sdes + bye),
            Convert.FromHexString(rr + sdes),
            Convert.FromHexString(rr + app + byeReason),
            Convert.FromHexString(sr),
            Convert.FromHexString(rr + xr),
        ];
    }

    private const string ReportBlock = "11111111" + "0A00000F" + "0000303C" + "00000010" + "C4D5E6F7" + "00010000";

    // Structure-aware: often keep the first packet's length field consistent with the datagram.
    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool)
    {
        var data = mutator.MutateBytes(seed, pool);
        if (data.Length >= 4 && data.Length % 4 == 0 && mutator.Random.Next(3) == 0)
        {
            data[0] = (byte)((data[0] & 0x3F) | 0x80);
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)((data.Length / 4) - 1));
        }

        return data;
    }

    public override bool Run(byte[] input)
    {
        RtcpCompoundReader.Classify(input);
        var reader = new RtcpCompoundReader(input);
        while (reader.TryReadNext(out var packet))
        {
            var bytes = packet.Bytes;
            _ = packet.Body.Length;
            switch (packet.Header.PacketType)
            {
                case RtcpPacketType.SenderReport when SenderReport.TryParse(bytes, out var report):
                    foreach (var block in report.ReportBlocks)
                    {
                        _ = block.CumulativeLost;
                    }

                    _ = report.ProfileExtensions.Length;
                    break;
                case RtcpPacketType.ReceiverReport when ReceiverReport.TryParse(bytes, out var report):
                    foreach (var block in report.ReportBlocks)
                    {
                        _ = block.FractionLost;
                    }

                    break;
                case RtcpPacketType.SourceDescription when SourceDescription.TryParse(bytes, out var description):
                    foreach (var chunk in description)
                    {
                        foreach (var item in chunk)
                        {
                            _ = item.Text.Length;
                        }

                        chunk.TryGetItem(SdesItemType.CanonicalName, out _);
                    }

                    description.TryGetCanonicalName(0x2A5C1B3D, out _);
                    break;
                case RtcpPacketType.Goodbye when Goodbye.TryParse(bytes, out var goodbye):
                    foreach (var ssrc in goodbye.Sources)
                    {
                        _ = ssrc;
                    }

                    _ = goodbye.Reason.Length;
                    break;
                case RtcpPacketType.ApplicationDefined when ApplicationDefined.TryParse(bytes, out var application):
                    _ = application.Name.Length + application.Data.Length + application.Subtype;
                    break;
            }
        }

        return reader.IsComplete;
    }
}
