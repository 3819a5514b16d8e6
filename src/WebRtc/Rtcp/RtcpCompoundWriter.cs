namespace Serverless.WebRtc.Rtcp;

/// <summary>
/// Appends RTCP packets into one datagram buffer. A regular compound packet is SR or RR first, then SDES with
/// a CNAME, then optionally BYE (RFC 3550 §6.1); the writer keeps that order to the caller, and
/// <see cref="RtcpCompoundReader.Classify"/> checks it. No packet is padded (SRTCP needs none).
/// </summary>
internal ref struct RtcpCompoundWriter
{
    private readonly Span<byte> _destination;
    private int _written;

    /// <summary>Writes into <paramref name="destination"/> from its start.</summary>
    public RtcpCompoundWriter(Span<byte> destination)
    {
        _destination = destination;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Written => _written;

    /// <summary>The datagram built so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _destination[.._written];

    /// <summary>Room left, for packets built in place (e.g. by <see cref="SourceDescriptionWriter"/>); then call <see cref="Advance"/>.</summary>
    public readonly Span<byte> Remaining => _destination[_written..];

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Remaining"/> as a written, valid packet.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _destination.Length - _written);
        _written += count;
    }

    /// <summary>Appends a sender report.</summary>
    public bool TryAdd(SenderReport report) => Commit(report.TryWrite(Remaining, out var n), n);

    /// <summary>Appends a receiver report.</summary>
    public bool TryAdd(ReceiverReport report) => Commit(report.TryWrite(Remaining, out var n), n);

    /// <summary>Appends a BYE.</summary>
    public bool TryAdd(Goodbye goodbye) => Commit(goodbye.TryWrite(Remaining, out var n), n);

    /// <summary>Appends an APP packet.</summary>
    public bool TryAdd(ApplicationDefined application) => Commit(application.TryWrite(Remaining, out var n), n);

    /// <summary>Appends an SDES packet with one chunk carrying the CNAME of <paramref name="ssrc"/>.</summary>
    public bool TryAddCanonicalName(uint ssrc, ReadOnlySpan<byte> cname) =>
        Commit(SourceDescriptionWriter.TryWriteCanonicalName(Remaining, ssrc, cname, out var n), n);

    /// <summary>
    /// Appends a packet verbatim, e.g. RTPFB/PSFB feedback built elsewhere. It must be one well-formed
    /// RTCP packet without padding; otherwise an <see cref="ArgumentException"/> is thrown.
    /// </summary>
    public bool TryAddRaw(ReadOnlySpan<byte> packet)
    {
        if (!RtcpPacket.TryParse(packet, out var parsed) || parsed.Bytes.Length != packet.Length || parsed.Header.HasPadding)
        {
            throw new ArgumentException("Expected exactly one well-formed, unpadded RTCP packet.", nameof(packet));
        }

        if (Remaining.Length < packet.Length)
        {
            return false;
        }

        packet.CopyTo(Remaining);
        _written += packet.Length;
        return true;
    }

    private bool Commit(bool ok, int written)
    {
        if (ok)
        {
            _written += written;
        }

        return ok;
    }
}
