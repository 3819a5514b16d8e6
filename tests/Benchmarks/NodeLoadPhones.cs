using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.Benchmarks;

/// <summary>
/// The phones of <see cref="NodeLoad"/>, in their own process: each one plays Meta's side of a call (ICE-lite, its own
/// UDP port like a distinct Meta media server, a looped pre-encoded 440 Hz tone at 50 packets/s, received packets
/// counted, not decoded). Driven by line commands on stdin, answering on stdout:
/// <c>offer ID</c> → <c>offer ID BASE64SDP</c>; <c>answer ID BASE64SDP</c> → <c>connected ID</c> (or <c>failed ID</c>);
/// <c>stats</c> → <c>stats PEERS RECEIVED LOST</c>; <c>close ID</c>; <c>floor CALLS SECONDS PORT</c> (plain UDP, see
/// <see cref="UdpEchoFloor"/>) → <c>floor SENT RECEIVED</c>; <c>quit</c>.
/// </summary>
internal static class NodeLoadPhones
{
    public static async Task RunAsync()
    {
        using var pacer = new MediaPacer(TimeProvider.System);
        pacer.Start();
        var phones = new Dictionary<string, (PeerFactory Factory, AudioPeer Peer)>();
        var output = new Lock();
        void Say(string line)
        {
            lock (output)
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
        }

        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "offer":
                    {
                        var factory = await PeerFactory.CreateAsync(
                            new PeerFactoryOptions
                            {
                                Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
                                Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
                                Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = true } },
                            },
                            pacer);
                        var peer = factory.CreatePeer(new AudioPeerOptions { ReceiveMode = ReceiveMode.PacketsOnly, Source = new LoopingToneSource(factory.Codecs, 440) });
                        var id = parts[1];
                        peer.StateChanged += (_, state) =>
                        {
                            if (state == PeerConnectionState.Connected)
                            {
                                Say("connected " + id);
                            }
                            else if (state is PeerConnectionState.Failed)
                            {
                                Say("failed " + id);
                            }
                        };
                        phones[id] = (factory, peer);
                        Say($"offer {id} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(peer.CreateOffer()))}");
                        break;
                    }

                case "answer":
                    phones[parts[1]].Peer.SetRemoteAnswer(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])));
                    break;
                case "stats":
                    {
                        long received = 0, lost = 0;
                        foreach (var (_, peer) in phones.Values)
                        {
                            var media = peer.GetStats().Media;
                            received += media.PacketsReceived;
                            lost += media.CumulativeLost;
                        }

                        Say(FormattableString.Invariant($"stats {phones.Count} {received} {lost}"));
                        break;
                    }

                case "close":
                    if (phones.Remove(parts[1], out var phone))
                    {
                        phone.Peer.Dispose();
                        phone.Factory.Dispose();
                    }

                    break;
                case "floor":
                    {
                        var (sent, received) = await UdpEchoFloor.SendAsync(
                            int.Parse(parts[1], CultureInfo.InvariantCulture),
                            TimeSpan.FromSeconds(int.Parse(parts[2], CultureInfo.InvariantCulture)),
                            new IPEndPoint(IPAddress.Loopback, int.Parse(parts[3], CultureInfo.InvariantCulture)));
                        Say(FormattableString.Invariant($"floor {sent} {received}"));
                        break;
                    }

                case "quit":
                    foreach (var (factory, peer) in phones.Values)
                    {
                        peer.Dispose();
                        factory.Dispose();
                    }

                    return;
                default:
                    throw new InvalidOperationException("unknown phone command: " + line);
            }
        }
    }
}

/// <summary>
/// The .NET UDP floor measured in the same run: one echo socket (the node's one port) bouncing back every datagram from
/// N client sockets that each send a 172-byte packet (an Opus RTP packet's size with SRTP) every 20 ms. The echo
/// process's CPU per client is the cost of receiving and sending one call's packets with nothing else done.
/// </summary>
internal static class UdpEchoFloor
{
    /// <summary>The echo side (own process, <c>udp-echo</c>): prints its port, echoes until stdin closes.</summary>
    public static async Task EchoAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveBufferSize = 4 << 20;
        Console.Out.WriteLine("port " + ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        var thread = new Thread(() =>
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                while (true)
                {
                    var n = socket.ReceiveFrom(buffer, ref from);
                    socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true, Name = "udp-echo" };
        thread.Start();
        await Console.In.ReadToEndAsync();
    }

    /// <summary>The clients: <paramref name="calls"/> sockets, one send each per 20 ms tick from one thread; counts echoes.</summary>
    public static async Task<(long Sent, long Received)> SendAsync(int calls, TimeSpan duration, IPEndPoint echo)
    {
        var sockets = new Socket[calls];
        long received = 0, sent = 0;
        var stop = new CancellationTokenSource();
        var readers = new List<Thread>();
        for (var i = 0; i < calls; i++)
        {
            var socket = sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var reader = new Thread(() =>
            {
                var buffer = new byte[2048];
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        socket.Receive(buffer);
                        Interlocked.Increment(ref received);
                    }
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            })
            { IsBackground = true };
            reader.Start();
            readers.Add(reader);
        }

        var packet = new byte[172];
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
        {
            foreach (var socket in sockets)
            {
                socket.SendTo(packet, echo);
                sent++;
            }
        }

        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the last echoes in flight
        await stop.CancelAsync();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        stop.Dispose();
        return (sent, Interlocked.Read(ref received));
    }
}
