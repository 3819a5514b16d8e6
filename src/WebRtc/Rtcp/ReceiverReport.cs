using System.Buffers.Binary;

namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// RR, receiver report (RFC 3550 §6.4.2): reporter SSRC, up to 31 report blocks and optional
/// profile-specific extensions. Parsed views point into the packet; build one with init properties.
/// </summary>
internal readonly ref struct ReceiverReport
{
    private const int FixedLength = RtcpHeader.Size + 4;

    private readonly ReportBlockList _reportBlocks;
    private readonly ReadOnlySpan<byte> _profileExtensions;

    /// <summary>An empty report; set the init properties.</summary>
    public ReceiverReport()
    {
    }

    // Parsed values: the extension bytes may end in a partial word when the packet was padded.
    private ReceiverReport(uint ssrc, ReportBlockList reportBlocks, ReadOnlySpan<byte> profileExtensions)
    {
        Ssrc = ssrc;
        _reportBlocks = reportBlocks;
        _profileExtensions = profileExtensions;
    }

    /// <summary>SSRC of the packet's originator.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Reception reports (at most 31; none is valid, e.g. a receiver that has heard nobody yet).</summary>
    public ReportBlockList ReportBlocks
    {
        get => _reportBlocks;
        init => _reportBlocks = ReportValidation.CheckCount(value);
    }

    /// <summary>Profile-specific extension bytes after the blocks (whole words when writing).</summary>
    public ReadOnlySpan<byte> ProfileExtensions
    {
        get => _profileExtensions;
        init => _profileExtensions = ReportValidation.CheckWords(value);
    }

    /// <summary>Packet length in bytes.</summary>
    public int Length => FixedLength + ReportBlocks.Length + ProfileExtensions.Length;

    /// <summary>Same as <see cref="Length"/>.</summary>
    public int GetSize() => Length;

    /// <summary>Parses the RR at the start of <paramref name="data"/>; false when not a well-formed RR.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ReceiverReport report)
    {
        report = default;
        if (!RtcpPacket.TryParse(data, RtcpPacketType.ReceiverReport, out var packet))
        {
            return false;
        }

        var body = packet.Body;
        var blocksLength = packet.Header.Count * ReportBlock.Size;
        if (body.Length < 4 + blocksLength)
        {
            return false;
        }

        report = new ReceiverReport(
            BinaryPrimitives.ReadUInt32BigEndian(body),
            ReportBlockList.FromWire(body.Slice(4, blocksLength)),
            body[(4 + blocksLength)..]);
        return true;
    }

    /// <summary>Writes the RR (without padding); false when <paramref name="destination"/> is too small
    /// or the extension bytes are not whole words.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var length = Length;

        // A parsed, padded packet can leave a partial word of extension bytes: that cannot be re-framed.
        if (destination.Length < length || length % 4 != 0)
        {
            return false;
        }

        RtcpHeader.ForLength(RtcpPacketType.ReceiverReport, (byte)ReportBlocks.Count, length).TryWrite(destination, out _);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RtcpHeader.Size..], Ssrc);
        ReportBlocks.TryWrite(destination[FixedLength..], out var blocks);
        ProfileExtensions.CopyTo(destination[(FixedLength + blocks)..]);
        written = length;
        return true;
    }
}
