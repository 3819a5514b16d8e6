using System.Security.Cryptography;
using System.Text;

namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>
/// SIGNALLING ONLY: a phone that writes syntactically valid, Meta-like SDP (ice-lite, sha-256 fingerprint,
/// a host candidate on 127.0.0.1, Opus 111 + telephone-event 126) and carries no media at all.
/// Nothing listens on the advertised port. The WebRTC phone replaces it in end-to-end tests.
/// </summary>
public sealed class SdpOnlyPhone : ISimulatedPhone
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private readonly string _fingerprint = NewFingerprint();
    private readonly string _ufrag = RandomNumberGenerator.GetString(IceChars, 8);
    private readonly string _password = RandomNumberGenerator.GetString(IceChars, 24);
    private readonly uint _ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    /// <summary>Creates a phone advertising <paramref name="port"/> on 127.0.0.1.</summary>
    public SdpOnlyPhone(int port = 40012) => Port = port;

    /// <inheritdoc />
    /// <remarks>Never raised: this phone has no media that could time out.</remarks>
    public event EventHandler<SimulatedPhoneEndedEventArgs>? Ended
    {
        add { }
        remove { }
    }

    /// <summary>The UDP port written into the SDP.</summary>
    public int Port { get; }

    /// <summary>The business's answer, once applied.</summary>
    public string? RemoteAnswer { get; private set; }

    /// <summary>The business's offer, once answered.</summary>
    public string? RemoteOffer { get; private set; }

    /// <summary>True after <see cref="HangUpAsync"/>.</summary>
    public bool HungUp { get; private set; }

    /// <inheritdoc />
    public Task<string> CreateOfferAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Build("actpass", "audio", "111 126"));

    /// <inheritdoc />
    public Task<string> AnswerAsync(string offerSdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        RemoteOffer = offerSdp;
        // RFC 8843 / JSEP: the answer reuses the offer's mid; Meta answers as DTLS client (setup:active).
        var mid = ValueOf(offerSdp, "a=mid:") ?? "0";
        var offered = OfferedPayloadTypes(offerSdp);
        var formats = string.Join(' ', new[] { "111", "126" }.Where(offered.Contains));
        return Task.FromResult(Build("active", mid, formats.Length == 0 ? "111" : formats));
    }

    /// <inheritdoc />
    public Task ApplyAnswerAsync(string answerSdp, CancellationToken cancellationToken)
    {
        RemoteAnswer = answerSdp;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HangUpAsync(CancellationToken cancellationToken)
    {
        HungUp = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Build(string setup, string mid, string formats)
    {
        var sdp = new StringBuilder();
        void Line(string text) => sdp.Append(text).Append("\r\n");
        var sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        Line("v=0");
        Line($"o=- {sessionId} 2 IN IP4 127.0.0.1");
        Line("s=-");
        Line("t=0 0");
        Line("a=ice-lite");
        Line($"a=group:BUNDLE {mid}");
        Line("a=msid-semantic: WMS");
        Line($"m=audio {Port} UDP/TLS/RTP/SAVPF {formats}");
        Line("c=IN IP4 127.0.0.1");
        Line("a=rtcp:9 IN IP4 0.0.0.0");
        Line($"a=candidate:1 1 udp 2122260223 127.0.0.1 {Port} typ host generation 0");
        Line($"a=ice-ufrag:{_ufrag}");
        Line($"a=ice-pwd:{_password}");
        Line($"a=fingerprint:sha-256 {_fingerprint}");
        Line($"a=setup:{setup}");
        Line($"a=mid:{mid}");
        Line("a=sendrecv");
        Line("a=rtcp-mux");
        if (formats.Contains("111", StringComparison.Ordinal))
        {
            Line("a=rtpmap:111 opus/48000/2");
            Line("a=fmtp:111 minptime=10;useinbandfec=1");
        }

        if (formats.Contains("126", StringComparison.Ordinal))
        {
            Line("a=rtpmap:126 telephone-event/8000");
        }

        Line($"a=ssrc:{_ssrc} cname:simulated-phone");
        return sdp.ToString();
    }

    private static HashSet<string> OfferedPayloadTypes(string sdp)
    {
        var mline = sdp.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("m=audio ", StringComparison.Ordinal));
        // RFC 8866 §5.14: m=<media> <port> <proto> <fmt> ...
        return mline is null ? [] : [.. mline.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(3)];
    }

    private static string? ValueOf(string sdp, string prefix) =>
        sdp.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    private static string NewFingerprint()
    {
        Span<byte> digest = stackalloc byte[32];
        RandomNumberGenerator.Fill(digest);
        return string.Join(':', digest.ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
