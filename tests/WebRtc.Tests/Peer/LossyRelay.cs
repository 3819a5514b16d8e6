using System.Net;
using System.Net.Sockets;
using Serverless.WebRtc.Demux;

namespace Serverless.WebRtc.Tests.Peer;

/// <summary>
/// A UDP relay between a caller and a phone on loopback that drops every Nth RTP packet and holds back
/// every Mth one for a while (reordering), in each direction. STUN, DTLS and RTCP pass untouched so the
/// test measures media loss, not handshake luck.
/// </summary>
internal sealed class LossyRelay : IDisposable
{
    private readonly Socket _callerSide = Bound();
    private readonly Socket _phoneSide = Bound();
    private readonly IPEndPoint _phone;
    private readonly int _dropEvery;
    private readonly int _delayEvery;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _dtlsToPhoneDelay;
    private readonly Thread[] _pumps;
    private IPEndPoint? _caller;
    private long _rtpToPhone;
    private long _rtpToCaller;
    private long _dropped;
    private volatile bool _stopped;

    /// <param name="dtlsToPhoneDelay">Holds every DTLS datagram towards the phone this long (its keys come late).</param>
    public LossyRelay(IPEndPoint phone, int dropEvery, int delayEvery, TimeSpan delay, TimeSpan dtlsToPhoneDelay = default)
    {
        _dtlsToPhoneDelay = dtlsToPhoneDelay;
        _phone = phone;
        _dropEvery = dropEvery;
        _delayEvery = delayEvery;
        _delay = delay;
        _pumps = [new Thread(() => Pump(_callerSide, toPhone: true)), new Thread(() => Pump(_phoneSide, toPhone: false))];
        foreach (var pump in _pumps)
        {
            pump.IsBackground = true;
            pump.Start();
        }
    }

    /// <summary>The address to announce to the caller in place of the phone's candidate.</summary>
    public IPEndPoint CallerFacing => (IPEndPoint)_callerSide.LocalEndPoint!;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose()
    {
        _stopped = true;
        _callerSide.Dispose();
        _phoneSide.Dispose();
        foreach (var pump in _pumps)
        {
            pump.Join(TimeSpan.FromSeconds(5));
        }
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 250 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private void Pump(Socket from, bool toPhone)
    {
        var buffer = new byte[2048];
        EndPoint source = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int n;
            try
            {
                n = from.ReceiveFrom(buffer, ref source);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (toPhone)
            {
                _caller ??= (IPEndPoint)source;
            }

            var datagram = buffer.AsSpan(0, n).ToArray();
            var (socket, target) = toPhone ? (_phoneSide, _phone) : (_callerSide, _caller);
            if (target is null)
            {
                continue;
            }

            if (toPhone && _dtlsToPhoneDelay > TimeSpan.Zero && PacketClassifier.Classify(datagram) == PacketKind.Dtls)
            {
                Hold(socket, datagram, target, _dtlsToPhoneDelay);
                continue;
            }

            if (PacketClassifier.Classify(datagram) == PacketKind.Rtp)
            {
                var index = Interlocked.Increment(ref toPhone ? ref _rtpToPhone : ref _rtpToCaller);
                if (index % _dropEvery == 0)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                if (index % _delayEvery == 0)
                {
                    // Held back: later packets overtake it (reordering within the jitter buffer's window).
                    Hold(socket, datagram, target, _delay);
                    continue;
                }
            }

            Send(socket, datagram, target);
        }
    }

    private void Hold(Socket socket, byte[] datagram, EndPoint target, TimeSpan delay)
    {
        ITimer? timer = null;
        timer = TimeProvider.System.CreateTimer(_ => { Send(socket, datagram, target); timer?.Dispose(); }, null, delay, Timeout.InfiniteTimeSpan);
    }

    private void Send(Socket socket, byte[] datagram, EndPoint target)
    {
        if (_stopped)
        {
            return;
        }

        try
        {
            socket.SendTo(datagram, target);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
