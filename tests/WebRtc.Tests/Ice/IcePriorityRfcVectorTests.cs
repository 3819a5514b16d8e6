using Serverless.WebRtc.Ice;

namespace Serverless.WebRtc.Tests.Ice;

public sealed class IcePriorityRfcVectorTests
{
    [Fact]
    public void Rfc8445_5_1_2_1_HostCandidateWithMaxLocalPreferenceForRtp()
    {
        // 126 << 24 | 65535 << 8 | 255 = 2130706431, the value libwebrtc and Meta put on host candidates.
        Assert.Equal(2130706431u, IcePriority.Candidate(IceCandidateType.Host, 65535, 1));
    }

    [Theory]
    [InlineData(IceCandidateType.Host, 126)]
    [InlineData(IceCandidateType.PeerReflexive, 110)]
    [InlineData(IceCandidateType.ServerReflexive, 100)]
    [InlineData(IceCandidateType.Relayed, 0)]
    public void Rfc8445_5_1_2_2_RecommendedTypePreferences(IceCandidateType type, int expected)
    {
        Assert.Equal(expected, IcePriority.TypePreference(type));
        Assert.Equal((uint)expected, IcePriority.Candidate(type, 0, 1) >> 24);
    }

    [Fact]
    public void Rfc8445_5_1_2_1_ComponentTwoIsOneLowerThanComponentOne() =>
        Assert.Equal(IcePriority.Candidate(IceCandidateType.Host, 100, 1) - 1, IcePriority.Candidate(IceCandidateType.Host, 100, 2));

    [Theory]
    [InlineData(2130706431u, 1694498815u, 7277816997797167103UL)]
    [InlineData(1694498815u, 2130706431u, 7277816997797167102UL)]
    [InlineData(5u, 5u, (5UL << 32) + 10)]
    public void Rfc8445_6_1_2_3_PairPriorityFormula(uint g, uint d, ulong expected) =>
        Assert.Equal(expected, IcePriority.Pair(g, d));

    [Fact]
    public void Rfc8445_6_1_2_3_BothAgentsComputeTheSamePairPriority()
    {
        uint ours = 2130706431, theirs = 1694498815;
        Assert.Equal(IcePriority.Pair(ours, theirs, localIsControlling: true), IcePriority.Pair(theirs, ours, localIsControlling: false));
    }

    [Fact]
    public void Rfc8445_6_1_2_3_ControllingSideBreaksTies()
    {
        // Swapping which candidate is G changes only the final tie-break bit.
        Assert.Equal(1UL, IcePriority.Pair(200, 100) - IcePriority.Pair(100, 200));
    }

    [Fact]
    public void Rfc8839_5_4_GeneratedCredentialsFollowTheGrammar()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 100; i++)
        {
            var c = IceCredentials.Generate();
            Assert.True(IceCredentials.IsValid(c.Ufrag, c.Password), c.Ufrag + " " + c.Password);
            Assert.True(seen.Add(c.Ufrag));
            Assert.DoesNotContain(c.Password, c.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("abc", "0123456789012345678901")]
    [InlineData("abcd", "012345678901234567890")]
    [InlineData("ab:d", "0123456789012345678901")]
    [InlineData("abcd", "01234567890123456789 1")]
    public void Rfc8839_5_4_InvalidCredentialsAreRejected(string ufrag, string pwd) => Assert.False(IceCredentials.IsValid(ufrag, pwd));
}
