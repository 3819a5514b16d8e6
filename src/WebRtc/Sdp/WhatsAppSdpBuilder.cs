using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// Builds the audio-only SDP WhatsApp accepts (meta-calling-api.md §5): one BUNDLEd
/// <c>m=audio ... UDP/TLS/RTP/SAVPF</c> section with Opus 48000/2 and telephone-event/8000, rtcp-mux,
/// sha-256 fingerprint only, complete candidates and <c>a=end-of-candidates</c> (Meta has no trickle).
/// </summary>
internal sealed class WhatsAppSdpBuilder
{
    public const int OpusPayloadType = 111;
    public const int TelephoneEventPayloadType = 126;
    public const string OpusFmtp = "minptime=10;useinbandfec=1";

    /// <summary>RFC 4733 §3.2 events 0-15: DTMF digits 0-9, *, #, A-D.</summary>
    public const string TelephoneEventFmtp = "0-15";

    private SetupRole _answerSetup = SetupRole.Active;

    public WhatsAppSdpBuilder(SdpIceCredentials ice, SdpFingerprint fingerprint, uint ssrc, string cname)
    {
        ArgumentNullException.ThrowIfNull(ice);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentException.ThrowIfNullOrEmpty(cname);
        if (!ice.IsValid)
        {
            throw new ArgumentException("ICE ufrag/pwd violate RFC 8839 §5.4 (4+ and 22+ ice-chars).", nameof(ice));
        }

        if (!fingerprint.IsSha256)
        {
            // WhatsApp rejects anything else: error 100 "Fingerprint algo is not SHA256".
            throw new ArgumentException("WhatsApp accepts sha-256 fingerprints only.", nameof(fingerprint));
        }

        Ice = ice;
        Fingerprint = fingerprint;
        Ssrc = ssrc;
        CName = cname;
    }

    public SdpIceCredentials Ice { get; }

    public SdpFingerprint Fingerprint { get; }

    public uint Ssrc { get; }

    public string CName { get; }

    /// <summary>Our gathered candidates; all are written (gathering must be complete).</summary>
    public IList<IceCandidateLine> Candidates { get; } = new List<IceCandidateLine>();

    /// <summary>Write <c>a=ice-lite</c>. We are a full agent towards Meta, so this defaults to false.</summary>
    public bool IceLite { get; set; }

    /// <summary>RFC 8842 §5.2: offers must be actpass.</summary>
    public SetupRole OfferSetup { get; set; } = SetupRole.ActPass;

    /// <summary>
    /// Role for answers to an actpass offer: active (DTLS client, WhatsApp's expectation) or passive;
    /// RFC 8842 §5.3 allows nothing else in an answer.
    /// </summary>
    public SetupRole AnswerSetup
    {
        get => _answerSetup;
        set => _answerSetup = value is SetupRole.Active or SetupRole.Passive
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "An answer's setup role is active or passive.");
    }

    /// <summary>mid used in offers; answers echo the offer's.</summary>
    public string Mid { get; set; } = "0";

    /// <summary>Optional <c>a=msid</c> (and <c>a=ssrc ... msid:</c>) for the sending track.</summary>
    public Msid? Msid { get; set; }

    /// <summary>o= session id; random (62 bits, RFC 3264 §5) when null.</summary>
    public ulong? SessionId { get; set; }

    public SessionDescription BuildOffer()
    {
        var formats = new List<int> { OpusPayloadType, TelephoneEventPayloadType };
        return Build(formats, OpusPayloadType, TelephoneEventPayloadType, OfferSetup, Mid, bundle: true);
    }

    /// <summary>
    /// Answers <paramref name="offer"/>: keeps the offer's payload type numbers for opus/48000/2 and
    /// telephone-event/8000 (RFC 3264 §6.1: the answer uses the offerer's numbering), echoes its mid and
    /// BUNDLE, and picks the DTLS role the offer allows (RFC 8842 §5.3).
    /// </summary>
    public SessionDescription BuildAnswer(SessionDescription offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var audio = offer.AudioSection ?? throw new SdpNegotiationException("The offer has no audio section.");
        if (audio.Port == 0)
        {
            throw new SdpNegotiationException("The offer's audio section is rejected (port 0).");
        }

        if (!string.Equals(audio.Proto, MediaDescription.WebRtcProto, StringComparison.OrdinalIgnoreCase))
        {
            throw new SdpNegotiationException("The offer's audio section is not UDP/TLS/RTP/SAVPF.");
        }

        var opus = audio.FindPayloadType("opus", 48000, 2) ?? throw new SdpNegotiationException("The offer has no opus/48000/2.");
        var dtmf = audio.FindPayloadType("telephone-event", 8000);
        var formats = audio.Formats
            .Select(f => int.TryParse(f, out var pt) ? pt : -1)
            .Where(pt => pt == opus || pt == dtmf)
            .Distinct()
            .ToList();

        var setup = offer.GetSetupRole(audio) switch
        {
            SetupRole.Active => SetupRole.Passive,
            SetupRole.Passive => SetupRole.Active,
            SetupRole.HoldConn => throw new SdpNegotiationException("The offer holds the connection (setup:holdconn)."),
            _ => AnswerSetup,
        };

        var mid = audio.Mid;
        var bundled = mid is not null && offer.BundleGroup is { } g && g.Mids.Contains(mid);
        return Build(formats, opus, dtmf, setup, mid, bundled);
    }

    private SessionDescription Build(List<int> formats, int opusPt, int? dtmfPt, SetupRole setup, string? mid, bool bundle)
    {
        var sdp = new SessionDescription(SdpOrigin.ForWebRtc(SessionId ?? RandomSessionId(), 2));
        sdp.Timings.Add(new SdpTiming());
        if (bundle && mid is not null)
        {
            sdp.Add(new SdpGroup(SdpGroup.Bundle, [mid]));
        }

        sdp.Add(new MsidSemantic("WMS"));
        if (IceLite)
        {
            sdp.AddFlag(SdpAttributeNames.IceLite);
        }

        var defaultCandidate = SelectDefaultCandidate(Candidates);
        var audio = new MediaDescription(
            MediaDescription.Audio,
            defaultCandidate?.Port ?? 9,
            MediaDescription.WebRtcProto,
            formats.Select(SdpText.Invariant));
        // RFC 8839 §4.2.1.2: c= and the m= port carry the default candidate; 0.0.0.0:9 when there is none.
        audio.Connections.Add(SdpConnection.ForAddress(defaultCandidate?.Address ?? "0.0.0.0"));
        foreach (var c in Candidates)
        {
            // A candidate that would not parse back (e.g. a space in Address) would corrupt the SDP Meta receives.
            if (!IceCandidateLine.TryParse(c.ToValueString(), out var reparsed) || !reparsed.Equals(c))
            {
                throw new InvalidOperationException($"Candidate {c.Foundation} is not RFC 8839 §5.1 well-formed.");
            }

            audio.Add(c);
        }

        audio.AddFlag(SdpAttributeNames.EndOfCandidates);
        audio.AddValue(SdpAttributeNames.IceUfrag, Ice.Ufrag);
        audio.AddValue(SdpAttributeNames.IcePwd, Ice.Password);
        audio.Add(Fingerprint);
        audio.AddValue(SdpAttributeNames.Setup, setup.ToText());
        if (mid is not null)
        {
            audio.AddValue(SdpAttributeNames.Mid, mid);
        }

        audio.AddFlag(MediaDirection.SendRecv.ToText());
        if (Msid is not null)
        {
            audio.Add(Msid);
        }

        audio.AddFlag(SdpAttributeNames.RtcpMux);
        foreach (var pt in formats)
        {
            if (pt == opusPt)
            {
                audio.Add(new RtpMap(pt, "opus", 48000, 2));
                audio.Add(new Fmtp(pt, OpusFmtp));
            }
            else if (pt == dtmfPt)
            {
                audio.Add(new RtpMap(pt, "telephone-event", 8000));
                audio.Add(new Fmtp(pt, TelephoneEventFmtp));
            }
        }

        audio.Add(new SsrcLine(Ssrc, SsrcLine.CName, CName));
        if (Msid is not null)
        {
            audio.Add(new SsrcLine(Ssrc, "msid", Msid.ToValueString()));
        }

        sdp.Media.Add(audio);
        return sdp;
    }

    /// <summary>
    /// RFC 8445 §5.1.4 / RFC 8839 §4.2.1.2: the default is the candidate most likely to work without ICE:
    /// relayed, then server-reflexive, then host; UDP component 1 with an IP literal; IPv4 first.
    /// </summary>
    internal static IceCandidateLine? SelectDefaultCandidate(IEnumerable<IceCandidateLine> candidates) =>
        candidates
            .Where(c => c.Transport == SdpCandidateTransport.Udp && c.Component == 1 && IPAddress.TryParse(c.Address, out _))
            .OrderBy(c => c.Type switch
            {
                SdpCandidateType.Relayed => 0,
                SdpCandidateType.ServerReflexive => 1,
                SdpCandidateType.PeerReflexive => 2,
                _ => 3,
            })
            .ThenBy(c => c.AddressKind == SdpCandidateAddressKind.IPv4 ? 0 : 1)
            .ThenByDescending(c => c.Priority)
            .FirstOrDefault();

    private static ulong RandomSessionId()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes) & ((1UL << 62) - 1);
    }
}
