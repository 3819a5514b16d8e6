using CsCheck;
using Serverless.MediaNode.Sessions;

namespace Serverless.MediaNode.Host.Tests.Unit;

/// <summary>The simplified ITU-T G.107 E-model.</summary>
public sealed class MosEstimatorTests
{
    [Fact]
    public void G107_AnnexB_DefaultR_MapsToAbout4_41()
    {
        // G.107 default R = 93.2 is the well-known MOS 4.41 ceiling of narrowband VoIP.
        Assert.Equal(4.41, MosEstimator.RToMos(MosEstimator.DefaultR), 2);
    }

    [Theory]
    [InlineData(-5, 1)]
    [InlineData(0, 1)]
    [InlineData(100, 4.5)]
    [InlineData(120, 4.5)]
    [InlineData(50, 2.58)]
    public void G107_AnnexB_RToMos_ClampedAndMapped(double r, double mos)
    {
        Assert.Equal(mos, MosEstimator.RToMos(r), 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void G107_AnnexB_LowR_NeverMapsBelowOne(double r)
    {
        Assert.Equal(1, MosEstimator.RToMos(r));
    }

    [Fact]
    public void G107_7_4_DelayImpairment_GrowsFasterBeyond177ms()
    {
        Assert.Equal(0.024 * 100, MosEstimator.DelayImpairment(100), 6);
        Assert.Equal((0.024 * 300) + (0.11 * (300 - 177.3)), MosEstimator.DelayImpairment(300), 6);
    }

    [Fact]
    public void PerfectLoopbackCall_ScoresNearTheCeiling()
    {
        var mos = MosEstimator.Estimate(roundTripMs: 1, jitterMs: 0.5, lossFraction: 0);
        Assert.InRange(mos, 4.35, 4.41);
    }

    [Fact]
    public void G107_7_29_TenPercentRandomLoss_WorkedExample()
    {
        // Ta = 50/2 + 2·5 + 25 = 60 ms → Id = 1.44; Ie,eff = 95·10/(10 + 25.1) = 27.07; R = 64.69 → MOS 3.34.
        Assert.Equal(3.34, MosEstimator.Estimate(50, 5, 0.10), 2);
    }

    [Fact]
    public void Mos_NeverRisesWithMoreLossOrDelay_AndStaysIn1To4_5()
    {
        Gen.Select(Gen.Double[0, 2000], Gen.Double[0, 200], Gen.Double[0, 1], Gen.Double[0, 500], Gen.Double[0, 1])
            .Sample((rtt, jitter, loss, extraDelay, extraLoss) =>
            {
                var baseMos = MosEstimator.Estimate(rtt, jitter, loss);
                var worseDelay = MosEstimator.Estimate(rtt + extraDelay, jitter, loss);
                var worseLoss = MosEstimator.Estimate(rtt, jitter, Math.Min(1, loss + extraLoss));
                return baseMos is >= 1 and <= 4.5 && worseDelay <= baseMos + 1e-9 && worseLoss <= baseMos + 1e-9;
            });
    }
}
