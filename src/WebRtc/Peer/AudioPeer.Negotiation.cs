using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Peer;

public sealed partial class AudioPeer
{
    private bool _offered;
    private bool _remoteSet;

    /// <summary>
    /// Our offer: one BUNDLEd Opus + telephone-event audio line, sha-256 fingerprint, <c>a=setup:actpass</c>
    /// and every candidate (complete: WhatsApp does not trickle).
    /// </summary>
    public string CreateOffer()
    {
        lock (_gate)
        {
            if (_offered || _remoteSet)
            {
                throw new InvalidOperationException("This peer already negotiated.");
            }

            _offered = true;
            LocalDescription = SdpSerializer.Write(Builder().BuildOffer());
            return LocalDescription;
        }
    }

    /// <summary>Applies the answer to our offer and starts ICE, then DTLS.</summary>
    /// <exception cref="PeerNegotiationException">The answer is unusable; the message says why.</exception>
    public void SetRemoteAnswer(string answer)
    {
        RemoteDescription remote;
        lock (_gate)
        {
            if (!_offered || _remoteSet)
            {
                throw new InvalidOperationException("SetRemoteAnswer needs our offer first, once.");
            }

            remote = RemoteDescription.Parse(answer);
            // RFC 5763 §5: the answerer picks active or passive; actpass in an answer is not allowed.
            var dtlsRole = remote.Setup switch
            {
                SetupRole.Active => DtlsRole.Server,
                SetupRole.Passive => DtlsRole.Client,
                _ => throw new PeerNegotiationException($"The answer's a=setup:{remote.Setup} is not active or passive."),
            };
            CreateStreams(remote.OpusPayloadType, remote.TelephoneEventPayloadType);
            _remoteSet = true;
            // RFC 8445 §6.1.1: the offerer controls, unless it is the lite one; facing a lite peer a full agent controls.
            var iceRole = _options.Ice.Lite && !remote.IceLite ? IceRole.Controlled : IceRole.Controlling;
            _transport.Start(remote, iceRole, dtlsRole);
        }
    }

    /// <summary>Answers the peer's offer (our setup active: we are the DTLS client) and starts ICE.</summary>
    /// <returns>Our answer SDP.</returns>
    /// <exception cref="PeerNegotiationException">The offer is unusable; the message says why.</exception>
    public string AcceptOffer(string offer)
    {
        lock (_gate)
        {
            if (_offered || _remoteSet)
            {
                throw new InvalidOperationException("This peer already negotiated.");
            }

            var remote = RemoteDescription.Parse(offer);
            SessionDescription answer;
            try
            {
                answer = Builder().BuildAnswer(remote.Sdp);
            }
            catch (SdpNegotiationException ex)
            {
                throw new PeerNegotiationException(ex.Message, ex);
            }

            var dtlsRole = answer.GetSetupRole() == SetupRole.Passive ? DtlsRole.Server : DtlsRole.Client;
            CreateStreams(remote.OpusPayloadType, remote.TelephoneEventPayloadType);
            _remoteSet = true;
            LocalDescription = SdpSerializer.Write(answer);
            var iceRole = remote.IceLite && !_options.Ice.Lite ? IceRole.Controlling : IceRole.Controlled;
            _transport.Start(remote, iceRole, dtlsRole);
            return LocalDescription;
        }
    }

    private WhatsAppSdpBuilder Builder()
    {
        var builder = new WhatsAppSdpBuilder(
            new SdpIceCredentials(_ice.Ufrag, _ice.Password),
            SdpFingerprint.Sha256(_factory.Certificate.Fingerprint.Value),
            Ssrc,
            _options.CanonicalName)
        {
            IceLite = _options.Ice.Lite,
        };
        foreach (var candidate in _factory.Candidates)
        {
            builder.Candidates.Add(CandidateMapping.ToSdp(candidate));
        }

        return builder;
    }
}
