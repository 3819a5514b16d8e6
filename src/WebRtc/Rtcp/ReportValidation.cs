namespace Serverless.WebRtc.Rtcp;

/// <summary>Range checks shared by SR and RR builders.</summary>
internal static class ReportValidation
{
    public static ReportBlockList CheckCount(ReportBlockList blocks) => blocks.Count <= RtcpHeader.MaxCount
        ? blocks
        : throw new ArgumentOutOfRangeException(nameof(blocks), blocks.Count, "At most 31 report blocks fit the RC field.");

    public static ReadOnlySpan<byte> CheckWords(ReadOnlySpan<byte> extensions) => extensions.Length % 4 == 0
        ? extensions
        : throw new ArgumentException("Profile-specific extensions are whole 32-bit words.", nameof(extensions));
}
