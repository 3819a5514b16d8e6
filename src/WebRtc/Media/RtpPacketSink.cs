namespace Serverless.WebRtc.Media;

/// <summary>
/// Receives each RTP packet a send stream writes. The span is the stream's own buffer and is reused for the
/// next packet: protect/copy it before returning.
/// </summary>
public delegate void RtpPacketSink(ReadOnlySpan<byte> packet);
