using BenchmarkDotNet.Attributes;
using Serverless.WebRtc.Sdp;

namespace Serverless.Benchmarks;

/// <summary>SDP is per call setup, not per packet; these guard against accidental quadratic behaviour.</summary>
[MemoryDiagnoser]
public class SdpBenchmarks
{
    private const string Offer =
        "v=0\r\no=- 1747041025394447 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE audio\r\n" +
        "a=msid-semantic: WMS\r\na=ice-lite\r\nm=audio 3482 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP4 157.240.19.130\r\n" +
        "a=candidate:3312352542 1 udp 2122260223 157.240.19.130 3482 typ host generation 0\r\n" +
        "a=candidate:2160883318 1 udp 2122262783 2a03:2880:f23d:1c5:face:b00c:0:167 3482 typ host generation 0\r\n" +
        "a=candidate:4109843138 1 tcp 1518280447 157.240.19.130 3478 typ host tcptype passive generation 0\r\n" +
        "a=ice-ufrag:Oo4pkVfbXhVKSWVv\r\na=ice-pwd:o4bGFExpL6ZMy6j4Y+jMpA3G\r\n" +
        "a=fingerprint:sha-256 5D:2E:7A:C1:0B:94:33:F8:61:AE:27:D0:4C:9B:E5:12:7F:08:B3:6A:D9:40:1C:E7:88:55:F2:3D:A4:6E:09:CB\r\n" +
        "a=setup:actpass\r\na=mid:audio\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\n" +
        "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\na=ssrc:3961543393 cname:WaAudio7KQ2s9xD\r\n";

    private SessionDescription _offer = null!;
    private WhatsAppSdpBuilder _builder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _offer = SdpParser.Parse(Offer);
        _builder = new WhatsAppSdpBuilder(
            new SdpIceCredentials("AbCd", "0123456789abcdefghijklmn"), SdpFingerprint.Sha256(new byte[32]), 1234, "node")
        {
            SessionId = 1,
        };
    }

    [Benchmark]
    public object ParseWhatsAppOffer() => SdpParser.Parse(Offer); // object: SessionDescription is internal to the library

    [Benchmark]
    public string WriteWhatsAppOffer() => SdpSerializer.Write(_offer);

    [Benchmark]
    public string BuildAndWriteAnswer() => _builder.BuildAnswer(_offer).ToString();

    [Benchmark]
    public int? ReadNegotiatedOpusPayloadType() => _offer.GetOpusPayloadType();
}
