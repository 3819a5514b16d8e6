using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Ice;

public sealed class IceAgentTests
{
    private static readonly IPEndPoint A = new(IPAddress.Loopback, 50000);
    private static readonly IPEndPoint B = new(IPAddress.Loopback, 50001);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Rfc8445_FullControllingAndFullControlledConnectOnThePairBetweenThem()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        var b = net.AddAgent(B, IceRole.Controlled);
        Exchange(a, b);

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected, Limit));
        Assert.Equal(B, a.SelectedPair!.RemoteEndPoint);
        Assert.Equal(A, b.SelectedPair!.RemoteEndPoint);
        Assert.True(a.SelectedPair.Nominated);
        Assert.True(a.IsSelectedRemote(B));
        Assert.False(a.IsSelectedRemote(new IPEndPoint(IPAddress.Loopback, 50002)));
    }

    [Fact]
    public void Rfc8445_2_5_FullAgentNominatesALitePeerLikeMeta()
    {
        var net = new IceTestNetwork();
        var business = net.AddAgent(A, IceRole.Controlling);
        var meta = net.AddAgent(B, IceRole.Controlled, new IceAgentOptions { Lite = true });
        Exchange(business, meta);

        Assert.True(net.RunUntil(() => business.State == IceConnectionState.Connected && meta.State == IceConnectionState.Connected, Limit));
        Assert.Equal(0, meta.Counters.ChecksSent); // a lite agent never checks
        Assert.Equal(A, meta.SelectedPair!.RemoteEndPoint);
    }

    [Fact]
    public void Rfc8445_7_3_ChecksWithAWrongPasswordAreIgnored()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling, new IceAgentOptions { ConnectTimeout = TimeSpan.FromSeconds(10) });
        var b = net.AddAgent(B, IceRole.Controlled);
        a.SetRemote(b.LocalCredentials.Ufrag, "wrong-password-wrong-password", [IceCandidate.Host(B, 65535)]);
        b.SetRemote(a.LocalCredentials.Ufrag, a.LocalCredentials.Password, [IceCandidate.Host(A, 65535)]);
        a.Start();
        b.Start();

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Failed, Limit));
        Assert.NotEqual(IceConnectionState.Connected, b.State);
        Assert.True(b.Counters.Rejected > 0);
        Assert.Equal(0, b.Counters.RequestsAnswered);
    }

    [Fact]
    public void Rfc8445_7_3_1_1_BothControllingResolveTheConflictAndConnect()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        var b = net.AddAgent(B, IceRole.Controlling);
        Exchange(a, b);

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected, Limit));
        Assert.NotEqual(a.Role, b.Role);
    }

    [Fact]
    public void Rfc8445_7_3_1_3_AnUnknownSourceBecomesAPeerReflexiveCandidate()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        var b = net.AddAgent(B, IceRole.Controlled);
        a.SetRemote(b.LocalCredentials.Ufrag, b.LocalCredentials.Password, [IceCandidate.Host(B, 65535)]);
        b.SetRemote(a.LocalCredentials.Ufrag, a.LocalCredentials.Password, []); // b learns a only from a's checks
        a.Start();
        b.Start();

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected, Limit));
        Assert.Equal(IceCandidateType.PeerReflexive, b.SelectedPair!.Remote.Type);
    }

    /// <summary>
    /// The answerer checks as soon as it has our offer; its checks can beat its answer to us. They are
    /// answered (RFC 8445 §7.3), the source becomes a peer-reflexive candidate (§7.3.1.3), and the
    /// triggered check on it (§7.3.1.4) is the first one we send once the answer is applied.
    /// </summary>
    [Fact]
    public void Rfc8445_7_3_ChecksBeforeTheAnswerAreAnsweredAndTriggerTheFirstCheck()
    {
        var net = new IceTestNetwork();
        var offerer = net.AddAgent(A, IceRole.Controlling);
        var answerer = net.AddAgent(B, IceRole.Controlled);
        answerer.SetRemote(offerer.LocalCredentials.Ufrag, offerer.LocalCredentials.Password, [IceCandidate.Host(A, 65535)]);
        answerer.Start();

        Assert.True(net.RunUntil(() => answerer.Pairs.Any(p => p.State == CandidatePairState.Succeeded), Limit));
        Assert.Equal(IceConnectionState.New, offerer.State);
        Assert.Equal(0, offerer.Counters.ChecksSent);
        Assert.True(offerer.Counters.RequestsAnswered > 0);
        var learned = Assert.Single(offerer.Pairs);
        Assert.Equal(IceCandidateType.PeerReflexive, learned.Remote.Type);
        Assert.Equal(B, learned.RemoteEndPoint);

        // The answer carries no candidate we can use (Chromium's are mDNS names): the learned one must do.
        offerer.SetRemote(answerer.LocalCredentials.Ufrag, answerer.LocalCredentials.Password, []);
        var sent = new List<IPEndPoint>();
        net.Filter = (from, to, _) =>
        {
            if (from.Equals(A))
            {
                sent.Add(to);
            }

            return true;
        };
        offerer.Start();

        Assert.True(net.RunUntil(() => offerer.State == IceConnectionState.Connected && answerer.State == IceConnectionState.Connected, Limit));
        Assert.Equal(B, sent[0]);
        Assert.Equal(B, offerer.SelectedPair!.RemoteEndPoint);
        Assert.Equal(A, answerer.SelectedPair!.RemoteEndPoint);
    }

    /// <summary>A lite agent nominated before its Start remembers the nomination: the controller will not repeat it.</summary>
    [Fact]
    public void Rfc8445_7_3_LiteAgentNominatedBeforeStartSelectsThePairOnStart()
    {
        var net = new IceTestNetwork();
        var business = net.AddAgent(A, IceRole.Controlling);
        var meta = net.AddAgent(B, IceRole.Controlled, new IceAgentOptions { Lite = true });
        business.SetRemote(meta.LocalCredentials.Ufrag, meta.LocalCredentials.Password, [IceCandidate.Host(B, 65535)]);
        business.Start();

        Assert.True(net.RunUntil(() => business.State == IceConnectionState.Connected, Limit));
        Assert.Equal(IceConnectionState.New, meta.State);
        Assert.Null(meta.SelectedPair);

        meta.SetRemote(business.LocalCredentials.Ufrag, business.LocalCredentials.Password, [IceCandidate.Host(A, 65535)]);
        meta.Start();
        Assert.Equal(IceConnectionState.Connected, meta.State);
        Assert.Equal(A, meta.SelectedPair!.RemoteEndPoint);
        net.RunUntil(() => false, TimeSpan.FromSeconds(10)); // the controller's consent checks keep it alive
        Assert.Equal(IceConnectionState.Connected, meta.State);
    }

    [Fact]
    public void Rfc7675_5_1_ConsentLostAfterThirtySecondsOfSilenceFailsTheConnection()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        var b = net.AddAgent(B, IceRole.Controlled);
        Exchange(a, b);
        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Connected, Limit));
        var states = new List<IceConnectionState>();
        a.StateChanged += states.Add;

        Assert.True(net.RunUntil(() => a.Counters.Responses > 6, Limit)); // consent answered while the path is up
        Assert.Equal(IceConnectionState.Connected, a.State);
        var cut = net.Time.GetUtcNow();
        net.Filter = (_, _, _) => false;

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Failed, Limit));
        var failedAfter = net.Time.GetUtcNow() - cut;
        Assert.Equal([IceConnectionState.Disconnected, IceConnectionState.Failed], states);
        Assert.InRange(failedAfter, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public void Rfc7675_ConsentChecksKeepAHealthyCallConnected()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        var b = net.AddAgent(B, IceRole.Controlled);
        Exchange(a, b);
        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Connected, Limit));
        var checksAtConnect = a.Counters.ChecksSent;

        net.RunUntil(() => false, TimeSpan.FromSeconds(60));

        Assert.Equal(IceConnectionState.Connected, a.State);
        Assert.InRange(a.Counters.ChecksSent - checksAtConnect, 9, 16); // one every 4-6 s
    }

    [Fact]
    public void Rfc8445_7_2_5_2_1_AResponseFromAnotherAddressFailsThePair()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling, new IceAgentOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });
        var b = net.AddAgent(B, IceRole.Controlled);
        var c = new IPEndPoint(IPAddress.Loopback, 50009);
        Exchange(a, b);
        net.Filter = (from, to, datagram) =>
        {
            if (from.Equals(B) && to.Equals(A))
            {
                a.ProcessStun(datagram, c); // the response arrives from an unexpected address
                return false;
            }

            return true;
        };

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Failed, Limit));
        Assert.Null(a.SelectedPair);
    }

    [Fact]
    public void ChecksToNowhereFailWithinTheConnectTimeout()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        a.SetRemote("abcd", "0123456789012345678901", [IceCandidate.Host(new IPEndPoint(IPAddress.Loopback, 59999), 65535)]);
        a.Start();

        Assert.True(net.RunUntil(() => a.State == IceConnectionState.Failed, Limit));
        Assert.Equal(7, a.Counters.ChecksSent); // RFC 8489 §6.2.1: Rc transmissions, then the pair fails
    }

    [Fact]
    public void GarbageAndUnknownTransactionsAreCountedAndIgnored()
    {
        var net = new IceTestNetwork();
        var a = net.AddAgent(A, IceRole.Controlling);
        Assert.False(a.ProcessStun([0, 1, 0, 0, 1, 2, 3], B));

        Span<byte> buffer = stackalloc byte[100];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, StunTransactionId.NewRandom());
        Assert.True(writer.TryFinish(out var written));
        Assert.False(a.ProcessStun(buffer[..written], B));
        Assert.Equal(2, a.Counters.Rejected);
    }

    private static void Exchange(IceAgent a, IceAgent b)
    {
        a.SetRemote(b.LocalCredentials.Ufrag, b.LocalCredentials.Password, [IceCandidate.Host(B, 65535)]);
        b.SetRemote(a.LocalCredentials.Ufrag, a.LocalCredentials.Password, [IceCandidate.Host(A, 65535)]);
        a.Start();
        b.Start();
    }
}
