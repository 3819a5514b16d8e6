namespace Serverless.WebRtc.Sdp;

/// <summary>What the peer reads from a remote description (RFC 8839 / RFC 8842 / RFC 8843).</summary>
internal sealed partial class SessionDescription
{
    /// <summary><c>a=ice-lite</c> at session level (RFC 8839 §5.3): the far end never sends checks, we control.</summary>
    public bool IsIceLite => HasAttribute(SdpAttributeNames.IceLite);

    public IReadOnlyList<SdpGroup> Groups => GetAll<SdpGroup>();

    public SdpGroup? BundleGroup => Groups.FirstOrDefault(g => g.IsBundle);

    public MsidSemantic? MsidSemantic => GetFirst<MsidSemantic>();

    /// <summary>The first <c>m=audio</c> section, or null.</summary>
    public MediaDescription? AudioSection => Media.FirstOrDefault(m => m.Media == MediaDescription.Audio);

    /// <summary>
    /// ICE credentials for <paramref name="media"/> (default: the audio section): media level wins over
    /// session level (RFC 8839 §5.4). Null unless both ufrag and pwd are found.
    /// </summary>
    public SdpIceCredentials? GetIceCredentials(MediaDescription? media = null)
    {
        media ??= AudioSection;
        var ufrag = media?.IceUfrag ?? IceUfrag;
        var pwd = media?.IcePwd ?? IcePwd;
        return ufrag is null || pwd is null ? null : new SdpIceCredentials(ufrag, pwd);
    }

    /// <summary>Fingerprints of the media section, else the session's (RFC 8122 §5 allows either level).</summary>
    public IReadOnlyList<SdpFingerprint> GetFingerprints(MediaDescription? media = null)
    {
        media ??= AudioSection;
        var atMedia = media?.Fingerprints ?? [];
        return atMedia.Count > 0 ? atMedia : Fingerprints;
    }

    /// <summary><c>a=setup</c> of the media section, else the session's (RFC 8842 §5.2).</summary>
    public SetupRole? GetSetupRole(MediaDescription? media = null)
    {
        media ??= AudioSection;
        return media?.Setup ?? Setup;
    }

    /// <summary>Candidates of the media section (candidates are media-level only, RFC 8839 §5.1).</summary>
    public IReadOnlyList<IceCandidateLine> GetCandidates(MediaDescription? media = null) =>
        (media ?? AudioSection)?.Candidates ?? [];

    /// <summary>Opus payload type (RFC 7587 §7: <c>opus/48000/2</c>) of the audio section.</summary>
    public int? GetOpusPayloadType() => AudioSection?.FindPayloadType("opus", 48000, 2);

    /// <summary>RFC 4733 <c>telephone-event/8000</c> payload type; WhatsApp rejects other clock rates.</summary>
    public int? GetTelephoneEventPayloadType() => AudioSection?.FindPayloadType("telephone-event", 8000);
}
