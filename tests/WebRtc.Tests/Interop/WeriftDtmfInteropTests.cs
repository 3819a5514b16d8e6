using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// DTMF from an independent stack: libwebrtc's Node binding has no DTMF sender, so werift (a pure
/// TypeScript WebRTC stack) plays the phone, offers telephone-event/8000 and presses digits as RFC 4733 RTP.
/// </summary>
public sealed class WeriftDtmfInteropTests
{
    [Fact]
    public async Task Rfc4733_DigitsPressedOnAWeriftPhoneArriveOnceEach()
    {
        using var node = await FactoryAsync();
        using var phone = Process.Start(new ProcessStartInfo("node", [Path.Combine(RepoPaths.Root, "tests", "Phone", "werift-dtmf-phone.mjs"), "12#"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        })!;
        try
        {
            var lines = new BlockingCollection<JsonObject>();
            phone.OutputDataReceived += (_, e) =>
            {
                if (!string.IsNullOrWhiteSpace(e.Data))
                {
                    lines.Add(JsonNode.Parse(e.Data)!.AsObject());
                }
            };
            phone.BeginOutputReadLine();
            phone.BeginErrorReadLine();

            var offer = Next(lines, "sdp");
            using var peer = node.CreatePeer();
            var digits = new ConcurrentQueue<char>();
            var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            peer.DtmfReceived += (_, d) =>
            {
                digits.Enqueue(d);
                if (digits.Count >= 3)
                {
                    three.TrySetResult();
                }
            };
            var answer = peer.AcceptOffer((string)offer["sdp"]!);
            await phone.StandardInput.WriteLineAsync(new JsonObject { ["cmd"] = "remote", ["sdp"] = answer }.ToJsonString());
            await phone.StandardInput.FlushAsync();

            try
            {
                await three.Task.WaitAsync(Wait);
            }
            catch (TimeoutException)
            {
                var stats = peer.GetStats();
                Assert.Fail($"no digits: peer {peer.State}/{peer.Failure}, rtp received {stats.Media.PacketsReceived}, srtp failures {stats.SrtpUnprotectFailures}, early {stats.EarlyMediaDropped}, ice checks {stats.IceChecksSent}, phone said: {string.Join(" | ", lines.Select(l => l.ToJsonString()))}");
            }
            Next(lines, "sent");
            Assert.Equal("12#", new string([.. digits]));
            Assert.Equal(PeerConnectionState.Connected, peer.State);
        }
        finally
        {
            phone.Kill(entireProcessTree: true);
            await phone.WaitForExitAsync().WaitAsync(Wait);
        }
    }

    private static JsonObject Next(BlockingCollection<JsonObject> lines, string eventName)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var line = lines.Take(timeout.Token);
            if ((string?)line["event"] == eventName)
            {
                return line;
            }
        }
    }
}
