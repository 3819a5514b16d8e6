namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>SDPs shaped like the ones in Meta's samples (audio only, BUNDLE, DTLS-SRTP), CRLF line ends.</summary>
internal static class SampleSdp
{
    public const string Sha256Line = "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:A6:85";
    public const string Sha384Line = "a=fingerprint:sha-384 D7:21:24:0C:1F:6B:B4:06:A1:D3:0E:7A:7D:C2:52:A0:4C:40:F4:4D:3E:C1:95:4F:E2:B4:0E:59:3A:5A:8C:1F:6C:3A:2B:53:0B:9F:21:83:8A:6B:7F:0A:4E:1E:3A:2D";
    public const string Sha512Line = "a=fingerprint:sha-512 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9";

    /// <summary>An offer with only a sha-256 fingerprint: must pass through byte for byte.</summary>
    public static string Offer(params string[] fingerprintLines)
    {
        string[] fingerprints = fingerprintLines.Length == 0 ? [Sha256Line] : fingerprintLines;
        string[] lines =
        [
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=msid-semantic: WMS",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 126",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
            "a=ice-ufrag:Jd2v",
            "a=ice-pwd:5lFq0yQpXvH3vZ0y1s2t3u4v",
            .. fingerprints,
            "a=setup:actpass",
            "a=mid:0",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:126 telephone-event/8000",
        ];
        return string.Join("\r\n", lines) + "\r\n";
    }
}
