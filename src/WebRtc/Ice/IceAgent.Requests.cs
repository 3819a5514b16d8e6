using System.Net;
using System.Text;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Ice;

internal sealed partial class IceAgent
{
    /// <summary>
    /// Handles one STUN datagram from <paramref name="from"/>: a check from the peer (answered when
    /// authentic) or a response to one of ours. Anything unauthenticated is ignored and counted.
    /// </summary>
    /// <returns>True when the datagram was a STUN message this agent accepted.</returns>
    public bool ProcessStun(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!StunMessage.TryParse(datagram, out var message) || (message.HasFingerprint && !message.VerifyFingerprint()))
        {
            Counters.RejectedOne();
            return false;
        }

        var outbox = new Outbox();
        bool accepted;
        lock (_gate)
        {
            if (State == IceConnectionState.Closed)
            {
                return false;
            }

            var kind = message.MessageType;
            if (kind == StunMessageType.BindingRequest)
            {
                accepted = HandleRequestLocked(message, from, outbox);
            }
            else if (kind == StunMessageType.BindingSuccessResponse || kind == StunMessageType.BindingErrorResponse)
            {
                var before = Counters.Responses;
                HandleResponseLocked(message, from, outbox);
                accepted = Counters.Responses > before;
            }
            else
            {
                accepted = false; // Binding indications are keepalives: nothing to do
            }
        }

        outbox.Flush(this);
        return accepted;
    }

    private bool HandleRequestLocked(StunMessageView message, IPEndPoint from, Outbox outbox)
    {
        // RFC 8445 §7.3 / RFC 8489 §9.1.3: USERNAME "our ufrag:their ufrag", integrity with our password.
        if (!message.TryGetUsername(out var username) || !UsernameIsOurs(username) || !Authentic(message, _localKey))
        {
            Counters.RejectedOne(); // silently dropped: no answer to an unauthenticated sender
            return false;
        }

        var peerControlling = message.TryGetIceControlling(out var theirTieBreaker);
        var peerControlled = !peerControlling && message.TryGetIceControlled(out theirTieBreaker);
        if (!_options.Lite && RoleConflictLocked(peerControlling, peerControlled, theirTieBreaker))
        {
            outbox.Datagrams.Add((BuildError(message.TransactionId, StunErrorCode.RoleConflict), from, null));
            return true;
        }

        outbox.Datagrams.Add((BuildSuccess(message.TransactionId, from), from, null));
        Counters.RequestAnswered();
        var now = _time.GetUtcNow();
        if (_options.Lite)
        {
            _lastConsent = now; // a lite agent's only sign of life is the peer's checks
            if (message.HasUseCandidate)
            {
                var local = LocalFor(from);
                if (local is not null)
                {
                    var pair = PairFor(from) ?? new CandidatePair(local, PeerReflexive(from, message));
                    pair.State = CandidatePairState.Succeeded;
                    if (!_started)
                    {
                        // Nominated before our description was even answered: the controlling agent got
                        // its response and will not nominate again, so remember it for Start (RFC 8445 §7.3).
                        _earlyNomination = pair;
                        return true;
                    }

                    SelectLocked(pair, now, outbox);
                    EnsureTimerLocked();
                }
            }

            return true;
        }

        var known = PairFor(from);
        if (known is null)
        {
            // RFC 8445 §7.3.1.3: an unknown source is a peer-reflexive candidate.
            AddRemoteLocked(PeerReflexive(from, message));
            known = PairFor(from);
            if (known is null)
            {
                return true;
            }
        }

        if (message.HasUseCandidate && Role == IceRole.Controlled)
        {
            // RFC 8445 §7.3.1.5: nominated now if already valid, else as soon as our check succeeds.
            if (known.State == CandidatePairState.Succeeded)
            {
                SelectLocked(known, now, outbox);
                return true;
            }

            known.NominateOnSuccess = true;
        }

        // RFC 8445 §7.3.1.4: triggered check. A check that came before Start (the peer had our offer, we
        // not yet its answer) waits in the queue, Frozen, and goes first once the checks start.
        if (known.State is CandidatePairState.Frozen or CandidatePairState.Waiting or CandidatePairState.Failed)
        {
            if (_started)
            {
                known.State = CandidatePairState.Waiting;
            }

            if (!_triggered.Contains(known))
            {
                _triggered.Enqueue(known);
            }
        }

        return true;
    }

    // RFC 8445 §7.3.1.1. Returns true when we must answer 487 instead of processing the check.
    private bool RoleConflictLocked(bool peerControlling, bool peerControlled, ulong theirTieBreaker)
    {
        if (Role == IceRole.Controlling && peerControlling)
        {
            if (TieBreaker >= theirTieBreaker)
            {
                return true;
            }

            Role = IceRole.Controlled;
        }
        else if (Role == IceRole.Controlled && peerControlled)
        {
            if (TieBreaker < theirTieBreaker)
            {
                return true;
            }

            Role = IceRole.Controlling;
        }

        return false;
    }

    private CandidatePair? PairFor(IPEndPoint from) => _pairs.FirstOrDefault(p => p.RemoteEndPoint.Equals(from));

    private static IceCandidate PeerReflexive(IPEndPoint from, StunMessageView message)
    {
        var priority = message.TryGetPriority(out var p) ? p : IcePriority.Candidate(IceCandidateType.PeerReflexive, 0);
        return new IceCandidate(IceCandidate.FoundationOf(IceCandidateType.PeerReflexive, from.Address), 1, IceTransportProtocol.Udp, priority, from, IceCandidateType.PeerReflexive);
    }

    private bool UsernameIsOurs(ReadOnlySpan<byte> username)
    {
        var colon = username.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var ours = Encoding.UTF8.GetBytes(LocalCredentials.Ufrag);
        if (!username[..colon].SequenceEqual(ours))
        {
            return false;
        }

        // Once we know the peer's ufrag, the other half must be it (RFC 8445 §7.3).
        return _remoteUfrag is null || username[(colon + 1)..].SequenceEqual(Encoding.UTF8.GetBytes(_remoteUfrag));
    }

    private static bool Authentic(StunMessageView message, byte[]? key) =>
        key is not null && message.HasMessageIntegrity && message.VerifyMessageIntegrity(key);

    private byte[] BuildSuccess(StunTransactionId transactionId, IPEndPoint from)
    {
        Span<byte> buffer = stackalloc byte[MaxStunLength];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, transactionId);
        if (!writer.TryAddXorMappedAddress(StunAddress.FromEndPoint(from)) || !writer.TryFinish(_localKey, out var written))
        {
            throw new InvalidOperationException("A binding response did not fit its buffer.");
        }

        return buffer[..written].ToArray();
    }

    private byte[] BuildError(StunTransactionId transactionId, StunErrorCode code)
    {
        Span<byte> buffer = stackalloc byte[MaxStunLength];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, transactionId);
        if (!writer.TryAddErrorCode(code) || !writer.TryFinish(_localKey, out var written))
        {
            throw new InvalidOperationException("A binding error response did not fit its buffer.");
        }

        return buffer[..written].ToArray();
    }

    private void EnsureTimerLocked() =>
        _timer ??= _time.CreateTimer(_ => Tick(), null, _options.CheckPacing, _options.CheckPacing);

    private void CheckLiteLivenessLocked(DateTimeOffset now, Outbox outbox)
    {
        if (SelectedPair is null)
        {
            return;
        }

        var silence = now - _lastConsent;
        if (silence > _options.ConsentTimeout)
        {
            SetStateLocked(IceConnectionState.Failed, outbox);
            _timer?.Dispose();
            _timer = null;
        }
        else if (silence > _options.DisconnectedTimeout)
        {
            SetStateLocked(IceConnectionState.Disconnected, outbox);
        }
        else
        {
            SetStateLocked(IceConnectionState.Connected, outbox);
        }
    }
}
