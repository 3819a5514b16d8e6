namespace Serverless.MediaNode.Sessions;

/// <summary>
/// Mean opinion score from the simplified ITU-T G.107 E-model: R = R0 − Id − Ie,eff with defaults for everything
/// we do not measure, then the G.107 Annex B mapping R → MOS.
/// </summary>
public static class MosEstimator
{
    /// <summary>R with all G.107 default parameters and no impairment (G.107 §7.7 default R0 − Is).</summary>
    public const double DefaultR = 93.2;

    /// <summary>Equipment impairment of the codec (Opus at voice bitrates, taken as unimpaired like G.711).</summary>
    public const double CodecIe = 0;

    /// <summary>Packet-loss robustness (G.113 Appendix I value for a codec with packet loss concealment).</summary>
    public const double LossRobustness = 25.1;

    /// <summary>Fixed delay besides the network: one 20 ms frame of packetization plus the decoder's lookahead.</summary>
    public const double FixedDelayMs = 25;

    /// <summary>Estimates MOS (1..4.5) for a call.</summary>
    /// <param name="roundTripMs">RTCP round-trip time, or null when never measured (network delay taken as 0).</param>
    /// <param name="jitterMs">Interarrival jitter; the jitter buffer adds about twice this to the delay.</param>
    /// <param name="lossFraction">Inbound packet loss 0..1.</param>
    public static double Estimate(double? roundTripMs, double jitterMs, double lossFraction)
    {
        var delay = Math.Max(0, roundTripMs ?? 0) / 2 + 2 * Math.Max(0, jitterMs) + FixedDelayMs;
        var r = DefaultR - DelayImpairment(delay) - EffectiveEquipmentImpairment(Math.Clamp(lossFraction, 0, 1));
        return RToMos(r);
    }

    /// <summary>G.107 §7.4 simplified: Id = 0.024·Ta + 0.11·(Ta − 177.3)·H(Ta − 177.3).</summary>
    public static double DelayImpairment(double oneWayDelayMs) =>
        0.024 * oneWayDelayMs + (oneWayDelayMs > 177.3 ? 0.11 * (oneWayDelayMs - 177.3) : 0);

    /// <summary>G.107 eq. 7-29 with random loss (BurstR = 1): Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl + Bpl).</summary>
    public static double EffectiveEquipmentImpairment(double lossFraction)
    {
        var percent = lossFraction * 100;
        return CodecIe + (95 - CodecIe) * percent / (percent + LossRobustness);
    }

    /// <summary>
    /// G.107 Annex B: MOS = 1 + 0.035R + R(R − 60)(100 − R)·7·10⁻⁶, kept within 1..4.5. The cubic dips below 1 for
    /// 0 &lt; R &lt; ~6.5 (found by a property test), so the result is clamped, not only R.
    /// </summary>
    public static double RToMos(double r) => r switch
    {
        <= 0 => 1,
        >= 100 => 4.5,
        _ => Math.Clamp(1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6, 1, 4.5),
    };
}
