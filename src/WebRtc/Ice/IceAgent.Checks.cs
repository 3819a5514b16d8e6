using System.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Ice;

internal sealed partial class IceAgent
{
    private const int MaxStunLength = 548;

    // Runs on a timer thread: an exception here would take the whole node down, so it fails this agent only.
    private void Tick()
    {
        try
        {
            TickCore();
        }
#pragma warning disable CA1031 // reported through Faulted; one call's failure must not crash the process
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var outbox = new Outbox();
            lock (_gate)
            {
                _timer?.Dispose();
                _timer = null;
                SetStateLocked(IceConnectionState.Failed, outbox);
            }

            Faulted?.Invoke(ex);
            outbox.Flush(this);
        }
    }

    private void TickCore()
    {
        var outbox = new Outbox();
        lock (_gate)
        {
            if (State is IceConnectionState.Closed or IceConnectionState.Failed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (_options.Lite)
            {
                CheckLiteLivenessLocked(now, outbox);
            }
            else
            {
                RetransmitLocked(now, outbox);
                if (SelectedPair is null)
                {
                    SendNextCheckLocked(now, outbox);
                    FailIfHopelessLocked(now, outbox);
                }
                else
                {
                    SendNextCheckLocked(now, outbox); // a pending nomination or triggered check
                    ConsentLocked(now, outbox);
                }
            }
        }

        outbox.Flush(this);
    }

    private void RetransmitLocked(DateTimeOffset now, Outbox outbox)
    {
        foreach (var pair in _pairs)
        {
            if (pair.State != CandidatePairState.InProgress || pair.NextTransmission > now)
            {
                continue;
            }

            if (pair.Transmissions >= _options.MaxTransmissions)
            {
                pair.State = CandidatePairState.Failed;
                continue;
            }

            pair.Rto = Min(pair.Rto * 2, _options.MaxRto);
            TransmitCheckLocked(pair, now, outbox, newTransaction: false);
        }
    }

    private void SendNextCheckLocked(DateTimeOffset now, Outbox outbox)
    {
        if (now < _nextOrdinaryCheck)
        {
            return;
        }

        // RFC 8445 §6.1.4.2: the triggered-check queue first, then the highest-priority waiting pair.
        CandidatePair? next = null;
        while (_triggered.Count > 0 && next is null)
        {
            var candidate = _triggered.Dequeue();
            if (candidate.State is CandidatePairState.Waiting or CandidatePairState.Succeeded)
            {
                next = candidate;
            }
        }

        next ??= SelectedPair is null ? _pairs.FirstOrDefault(p => p.State == CandidatePairState.Waiting) : null;
        if (next is null)
        {
            return;
        }

        _nextOrdinaryCheck = now + _options.CheckPacing;
        next.Rto = Max(_options.InitialRto, _options.CheckPacing * _pairs.Count(p => p.State is CandidatePairState.Waiting or CandidatePairState.InProgress));
        next.State = CandidatePairState.InProgress;
        TransmitCheckLocked(next, now, outbox, newTransaction: true);
    }

    private void TransmitCheckLocked(CandidatePair pair, DateTimeOffset now, Outbox outbox, bool newTransaction)
    {
        if (newTransaction)
        {
            pair.TransactionId = StunTransactionId.NewRandom();
            pair.Transmissions = 0;
            // Regular nomination (RFC 8445 §8.1.1): the controlling agent repeats a succeeded check with USE-CANDIDATE.
            pair.CheckNominates = Role == IceRole.Controlling && pair.NominateOnSuccess;
        }

        pair.Transmissions++;
        pair.NextTransmission = now + pair.Rto;
        outbox.Datagrams.Add((BuildCheck(pair.TransactionId, pair.Local.Priority, pair.CheckNominates), pair.RemoteEndPoint, pair.TransactionId));
        Counters.CheckSent();
    }

    private byte[] BuildCheck(StunTransactionId transactionId, uint localPriority, bool useCandidate)
    {
        Span<byte> buffer = stackalloc byte[MaxStunLength];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        // RFC 8445 §7.2.2: USERNAME is "remote ufrag:local ufrag" from the sender's view.
        var written = 0;
        var ok = writer.TryAddUsername((_remoteUfrag + ":" + LocalCredentials.Ufrag).AsSpan())
            && writer.TryAddPriority(IcePriority.Candidate(IceCandidateType.PeerReflexive, (int)((localPriority >> 8) & 0xFFFF)))
            && (Role == IceRole.Controlling ? writer.TryAddIceControlling(TieBreaker) : writer.TryAddIceControlled(TieBreaker))
            && (!useCandidate || writer.TryAddUseCandidate())
            && (_options.Software is null || writer.TryAddSoftware(_options.Software))
            && writer.TryFinish(_remoteKey, out written);
        if (!ok)
        {
            throw new InvalidOperationException("A connectivity check did not fit its buffer.");
        }

        return buffer[..written].ToArray();
    }

    private void FailIfHopelessLocked(DateTimeOffset now, Outbox outbox)
    {
        var allFailed = _pairs.Count > 0 && _pairs.All(p => p.State == CandidatePairState.Failed);
        if (allFailed || now - _checksStarted > _options.ConnectTimeout)
        {
            SetStateLocked(IceConnectionState.Failed, outbox);
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void HandleResponseLocked(StunMessageView message, IPEndPoint from, Outbox outbox)
    {
        var now = _time.GetUtcNow();
        if (message.TransactionId == _consentTransaction && SelectedPair is { } selected)
        {
            if (!from.Equals(selected.RemoteEndPoint) || !Authentic(message, _remoteKey))
            {
                Counters.RejectedOne();
                return;
            }

            Counters.ResponseReceived();
            _consentTransaction = default;
            if (message.MessageType.Class == StunMessageClass.SuccessResponse)
            {
                _lastConsent = now;
                _nextConsent = now + NextConsentDelay();
                SetStateLocked(IceConnectionState.Connected, outbox);
            }

            return;
        }

        var transactionId = message.TransactionId;
        var pair = _pairs.FirstOrDefault(p => p.State == CandidatePairState.InProgress && p.TransactionId == transactionId);
        if (pair is null || !Authentic(message, _remoteKey))
        {
            Counters.RejectedOne();
            return;
        }

        Counters.ResponseReceived();
        if (!from.Equals(pair.RemoteEndPoint))
        {
            pair.State = CandidatePairState.Failed; // RFC 8445 §7.2.5.2.1: addresses must be symmetric
            return;
        }

        if (message.MessageType.Class == StunMessageClass.ErrorResponse)
        {
            HandleErrorResponseLocked(message, pair);
            return;
        }

        pair.State = CandidatePairState.Succeeded;
        if (pair.CheckNominates || (Role == IceRole.Controlled && pair.NominateOnSuccess))
        {
            SelectLocked(pair, now, outbox);
        }
        else if (Role == IceRole.Controlling && SelectedPair is null && !_pairs.Any(p => p.NominateOnSuccess))
        {
            // Nominate the first valid pair at once: one extra check, and the call's audio starts a Ta sooner.
            pair.NominateOnSuccess = true;
            pair.State = CandidatePairState.Waiting;
            _triggered.Enqueue(pair);
            _nextOrdinaryCheck = now;
            SendNextCheckLocked(now, outbox);
        }
    }

    private void HandleErrorResponseLocked(StunMessageView message, CandidatePair pair)
    {
        if (message.TryGetErrorCode(out var code, out _) && code == StunErrorCode.RoleConflict)
        {
            // RFC 8445 §7.2.5.1: switch role and check the pair again.
            Role = Role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling;
            pair.State = CandidatePairState.Waiting;
            _triggered.Enqueue(pair);
            return;
        }

        pair.State = CandidatePairState.Failed;
    }

    private void SelectLocked(CandidatePair pair, DateTimeOffset now, Outbox outbox)
    {
        pair.Nominated = true;
        if (SelectedPair is not null)
        {
            return;
        }

        SelectedPair = pair;
        _lastConsent = now;
        _nextConsent = now + NextConsentDelay();
        SetStateLocked(IceConnectionState.Connected, outbox);
    }

    // RFC 7675 §5.1: consent checks at randomised intervals; no response for 30 s and consent is lost.
    private void ConsentLocked(DateTimeOffset now, Outbox outbox)
    {
        var selected = SelectedPair!;
        var silence = now - _lastConsent;
        if (silence > _options.ConsentTimeout)
        {
            SetStateLocked(IceConnectionState.Failed, outbox);
            _timer?.Dispose();
            _timer = null;
            return;
        }

        if (silence > _options.DisconnectedTimeout)
        {
            SetStateLocked(IceConnectionState.Disconnected, outbox);
        }

        if (now < _nextConsent)
        {
            return;
        }

        if (_consentTransaction == default || _consentTransmissions >= _options.MaxTransmissions)
        {
            _consentTransaction = StunTransactionId.NewRandom();
            _consentTransmissions = 0;
        }

        _consentTransmissions++;
        // Retransmit an unanswered consent check with backoff; an answer schedules the next full interval.
        _nextConsent = now + Min(_options.InitialRto * (1 << Math.Min(_consentTransmissions - 1, 8)), _options.MaxRto);
        outbox.Datagrams.Add((BuildCheck(_consentTransaction, selected.Local.Priority, useCandidate: false), selected.RemoteEndPoint, _consentTransaction));
        Counters.CheckSent();
    }

    private TimeSpan NextConsentDelay() => _options.ConsentInterval * (0.8 + (0.4 * Random.Shared.NextDouble()));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
