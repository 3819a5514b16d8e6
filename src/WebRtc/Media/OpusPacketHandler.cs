namespace Serverless.WebRtc.Media;

/// <summary>A received Opus packet, in arrival order; the span is only valid during the call.</summary>
public delegate void OpusPacketHandler(ReadOnlySpan<byte> payload, uint rtpTimestamp, ushort sequenceNumber);
