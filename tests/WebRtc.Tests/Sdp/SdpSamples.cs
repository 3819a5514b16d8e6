namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>
/// SDP texts used across the tests. The WhatsApp/Meta samples follow the shape of Meta's published sample
/// SDPs (Calling API reference and the Messenger calling appendix): ice-lite, host candidates UDP IPv4 + IPv6
/// and TCP passive, sha-256 fingerprint, extmaps, ssrc cname. Addresses are data only; nothing connects.
/// </summary>
internal static class SdpSamples
{
    /// <summary>RFC 8866 §5 example, verbatim.</summary>
    public const string Rfc8866Example =
        "v=0\r\n" +
        "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\n" +
        "s=Call to John Smith\r\n" +
        "i=SDP Offer #1\r\n" +
        "u=http://www.jdoe.example.com/home.html\r\n" +
        "e=Jane Doe <jane@jdoe.example.com>\r\n" +
        "p=+1 617 555-6011\r\n" +
        "c=IN IP4 198.51.100.1\r\n" +
        "t=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0\r\n" +
        "m=audio 49180 RTP/AVP 0\r\n" +
        "m=video 51372 RTP/AVP 99\r\n" +
        "c=IN IP6 2001:db8::2\r\n" +
        "a=rtpmap:99 h263-1998/90000\r\n";

    public const string WhatsAppFingerprintHex =
        "5D:2E:7A:C1:0B:94:33:F8:61:AE:27:D0:4C:9B:E5:12:7F:08:B3:6A:D9:40:1C:E7:88:55:F2:3D:A4:6E:09:CB";

    /// <summary>A WhatsApp user-initiated call offer (connect webhook, sdp_type offer) in Meta's shape.</summary>
    public const string WhatsAppOffer =
        "v=0\r\n" +
        "o=- 1747041025394447 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE audio\r\n" +
        "a=msid-semantic: WMS 7b2f0c7e-3d6a-4f51-9a0e-2c8d1b4e6f30\r\n" +
        "a=ice-lite\r\n" +
        "m=audio 3482 UDP/TLS/RTP/SAVPF 111 126\r\n" +
        "c=IN IP4 157.240.19.130\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:3312352542 1 udp 2122260223 157.240.19.130 3482 typ host generation 0 network-cost 50\r\n" +
        "a=candidate:2160883318 1 udp 2122262783 2a03:2880:f23d:1c5:face:b00c:0:167 3482 typ host generation 0 network-cost 50\r\n" +
        "a=candidate:4109843138 1 tcp 1518280447 157.240.19.130 3478 typ host tcptype passive generation 0 network-cost 50\r\n" +
        "a=candidate:1681544623 1 tcp 1518283007 2a03:2880:f23d:1c5:face:b00c:0:167 3478 typ host tcptype passive generation 0 network-cost 50\r\n" +
        "a=ice-ufrag:Oo4pkVfbXhVKSWVv\r\n" +
        "a=ice-pwd:o4bGFExpL6ZMy6j4Y+jMpA3G\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 " + WhatsAppFingerprintHex + "\r\n" +
        "a=setup:actpass\r\n" +
        "a=mid:audio\r\n" +
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
        "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n" +
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:7b2f0c7e-3d6a-4f51-9a0e-2c8d1b4e6f30 d3a1e9c4-58b2-4e07-8f6d-0a9c2b7e5d14\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=rtcp-fb:111 transport-cc\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=ssrc:3961543393 cname:WaAudio7KQ2s9xD\r\n" +
        "a=ssrc:3961543393 msid:7b2f0c7e-3d6a-4f51-9a0e-2c8d1b4e6f30 d3a1e9c4-58b2-4e07-8f6d-0a9c2b7e5d14\r\n";

    /// <summary>Meta's answer (connect webhook, sdp_type answer) to a business-initiated browser-style offer.</summary>
    public const string MetaAnswerToBusinessOffer =
        "v=0\r\n" +
        "o=- 8436422327585670287 3 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=msid-semantic: WMS\r\n" +
        "a=ice-lite\r\n" +
        "m=audio 40012 UDP/TLS/RTP/SAVPF 111 9 0 8 110 126\r\n" +
        "c=IN IP4 31.13.65.60\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:2958823651 1 udp 2122260224 31.13.65.60 40012 typ host generation 1\r\n" +
        "a=candidate:716810591 1 udp 2122262784 2a03:2880:f231:d2:face:b00c:0:8c2 40012 typ host generation 1\r\n" +
        "a=candidate:4276087827 1 tcp 1518280448 31.13.65.60 3478 typ host tcptype passive generation 1\r\n" +
        "a=candidate:1681544623 1 tcp 1518283008 2a03:2880:f231:d2:face:b00c:0:8c2 3478 typ host tcptype passive generation 1\r\n" +
        "a=ice-ufrag:EbT4cXksCyVKQMC/103\r\n" +
        "a=ice-pwd:74O3IvX6AV9ulmb9udAmimux\r\n" +
        "a=fingerprint:sha-256 4F:6E:0A:C8:9B:A5:E5:1B:25:C2:30:2C:F0:93:E3:99:5D:00:56:C3:1D:4E:8A:17:B2:6F:90:3C:D1:48:E6:5A\r\n" +
        "a=setup:active\r\n" +
        "a=mid:0\r\n" +
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
        "a=sendrecv\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=rtcp-fb:111 transport-cc\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=ssrc:1218446337 cname:9zN8lXq3Wf0aT5bK\r\n";

    /// <summary>A browser-style business offer (trickle-era libwebrtc shape): srflx, mDNS host, several codecs.</summary>
    public const string BrowserStyleOffer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=extmap-allow-mixed\r\n" +
        "a=msid-semantic: WMS a7299aa1-1469-48ed-b99f-30e5ebc5fd14\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 109 63 9 0 8 13 110 101\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:842163049 1 udp 1677729535 203.0.113.7 61764 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag GVWP network-cost 999\r\n" +
        "a=candidate:1510613869 1 udp 2113937151 4f2a9c1d-6b3e-4d7a-8e21-0c5f9b3a7d62.local 61764 typ host generation 0 ufrag GVWP network-cost 999\r\n" +
        "a=ice-ufrag:GVWP\r\n" +
        "a=ice-pwd:GoQbqNzclssPK7hZfTHBAZK3\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 F3:A4:D1:09:55:4A:73:84:21:4C:46:56:E1:05:E7:8B:47:45:5B:A0:0E:3F:30:14:D8:5F:36:95:A2:06:AA:48\r\n" +
        "a=setup:actpass\r\n" +
        "a=mid:0\r\n" +
        "a=extmap:1/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:a7299aa1-1469-48ed-b99f-30e5ebc5fd14 9d4611fa-fe03-4cad-81f1-63e4f764f358\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=rtpmap:109 opus/48000/2\r\n" +
        "a=rtcp-fb:109 transport-cc\r\n" +
        "a=fmtp:109 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:63 red/48000/2\r\n" +
        "a=fmtp:63 109/109\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:13 CN/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-16\r\n" +
        "a=ssrc:2607947206 cname:z8aoN2l/L7oiSqrJ\r\n" +
        "a=ssrc:2607947206 msid:a7299aa1-1469-48ed-b99f-30e5ebc5fd14 9d4611fa-fe03-4cad-81f1-63e4f764f358\r\n";
}
