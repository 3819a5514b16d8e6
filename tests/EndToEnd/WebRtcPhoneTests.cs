using System.Net;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>The simulator's WebRTC phone against a plain full-ICE peer on loopback, without the rest of the product.</summary>
public sealed class WebRtcPhoneTests
{
    [Fact]
    public async Task Phone_answers_as_Meta_does_ice_lite_and_setup_active_and_audio_flows_both_ways()
    {
        using var phones = await WebRtcPhoneFactory.CreateAsync();
        phones.SetScript(User, PhoneScript.Tone(UserHz));
        using var business = await PeerFactory.CreateAsync(new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
        });
        using var tone = new PcmTone(business.Codecs, PromptHz);
        using var peer = business.CreatePeer(new AudioPeerOptions { Source = tone });
        await using var phone = (WebRtcPhone)phones.Create(Context(SimulatedCallDirection.BusinessInitiated));

        var answer = await phone.AnswerAsync(peer.CreateOffer(), CancellationToken.None);
        Assert.Contains("a=ice-lite", answer, StringComparison.Ordinal);
        Assert.Contains("a=setup:active", answer, StringComparison.Ordinal);
        Assert.Contains("a=candidate:", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(answer.Split('\n'), l => l.StartsWith("a=candidate:", StringComparison.Ordinal) && !l.Contains(" 127.0.0.1 ", StringComparison.Ordinal));
        peer.SetRemoteAnswer(answer);
        await phone.Connected.WaitAsync(Wait);

        var heard = await phone.WaitForToneAsync(PromptHz, Wait);
        Assert.InRange(heard.FrequencyHz, PromptHz - 10, PromptHz + 10);
        Assert.NotNull(phone.FirstAudioAt);
        Assert.InRange(await HearAsync(peer, UserHz), UserHz - 10, UserHz + 10);

        // Live changes: another tone, then DTMF the business receives as RFC 4733 events.
        phone.Speak(880);
        Assert.Equal(880, phone.SpeakingHz);
        Assert.InRange(await HearAsync(peer, 880), 870, 890);
        phone.GoSilent();
        Assert.Null(phone.SpeakingHz);
        var digits = new TaskCompletionSource<char>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.DtmfReceived += (_, d) => digits.TrySetResult(d);
        phone.PressDigits("7");
        Assert.Equal('7', await digits.Task.WaitAsync(Wait));

        await phone.HangUpAsync(CancellationToken.None);
        await phone.Finished.WaitAsync(Wait);
        Assert.True(phone.HungUp);
    }

    [Fact]
    public async Task Phone_offers_for_an_inbound_call_and_applies_the_identical_pre_accept_and_accept_answer_once()
    {
        using var phones = await WebRtcPhoneFactory.CreateAsync();
        using var business = await PeerFactory.CreateAsync(new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
        });
        using var tone = new PcmTone(business.Codecs, PromptHz);
        using var peer = business.CreatePeer(new AudioPeerOptions { Source = tone });
        await using var phone = (WebRtcPhone)phones.Create(Context(SimulatedCallDirection.UserInitiated));

        var offer = await phone.CreateOfferAsync(CancellationToken.None);
        Assert.Contains("a=ice-lite", offer, StringComparison.Ordinal);
        var answer = peer.AcceptOffer(offer);
        await phone.ApplyAnswerAsync(answer, CancellationToken.None);
        await phone.ApplyAnswerAsync(answer, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => phone.ApplyAnswerAsync(answer.Replace("a=mid:0", "a=mid:9", StringComparison.Ordinal), CancellationToken.None));

        await phone.Connected.WaitAsync(Wait);
        Assert.InRange((await phone.WaitForToneAsync(PromptHz, Wait)).FrequencyHz, PromptHz - 10, PromptHz + 10);
    }

    private static SimulatedPhoneContext Context(SimulatedCallDirection direction) =>
        new("wacid.PHONETEST", direction, User, "106540352242922", new SimulatedUserBehavior());

    /// <summary>Reads the business peer's decoded audio at the real pace and measures the last second.</summary>
    private static async Task<double> HearAsync(AudioPeer peer, double expectedHz)
    {
        var window = new short[OpusCodec.SampleRate];
        var frame = new short[OpusCodec.FrameSamples];
        var filled = 0;
        var last = 0.0;
        using var ticks = new PeriodicTimer(OpusCodec.FrameDuration);
        using var limit = new CancellationTokenSource(Wait);
        while (await ticks.WaitForNextTickAsync(limit.Token))
        {
            if (peer.Receiver!.ReadFrame(frame) is not (AudioFrameKind.Decoded or AudioFrameKind.FecRecovered))
            {
                continue;
            }

            Array.Copy(window, frame.Length, window, 0, window.Length - frame.Length);
            frame.CopyTo(window, window.Length - frame.Length);
            if (++filled >= 50 && Math.Abs((last = ToneDetector.EstimateFrequency(window)) - expectedHz) <= 5)
            {
                return last;
            }
        }

        return last;
    }

    /// <summary>A tone encoded frame by frame as the pacer asks (the business side's prompt).</summary>
    private sealed class PcmTone(OpusEncoderFactory codecs, double hz) : IAudioSource, IDisposable
    {
        private readonly OpusFrameEncoder _encoder = codecs.CreateEncoder();
        private readonly ToneGenerator _tone = new(hz);
        private readonly short[] _pcm = new short[OpusCodec.FrameSamples];

        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            _tone.Fill(_pcm);
            written = _encoder.Encode(_pcm, destination);
            return written > 0;
        }

        public void Dispose() => _encoder.Dispose();
    }
}
