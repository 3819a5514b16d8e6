using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Serverless.WebRtc.Dtls;

/// <summary>
/// Connects BouncyCastle's blocking DTLS engine to our socket: the demux (RFC 7983) hands every
/// DTLS datagram to <see cref="Deliver"/>, and records the engine sends go out through the send
/// callback to the ICE-selected remote address. One channel per peer.
/// During the handshake the records of a flight are packed into as few datagrams as fit the MTU
/// (RFC 6347 §4.1.1 allows several records per datagram): the engine writes one record per handshake
/// message, and a flight goes out when the engine turns to wait for the answer, or when the next record
/// would overflow the datagram. Sending each message alone made a browser see a partial flight and
/// retransmit while we were still computing.
/// </summary>
internal sealed class DtlsPacketChannel : DatagramTransport, IDisposable
{
    // Handshake flights are a handful of packets; a small bound keeps a flood from growing memory.
    private const int MaxQueuedDatagrams = 64;
    private readonly BlockingCollection<byte[]> _inbound = new(MaxQueuedDatagrams);
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly int _mtu;
    private readonly Lock _sendGate = new();
    private readonly byte[] _pending;
    private int _pendingLength;
    private bool _packing = true;
    private long _datagramsSent;
    private volatile bool _closed;

    /// <param name="send">Sends one datagram to the remote peer.</param>
    /// <param name="mtu">Largest datagram to send; 1200 keeps clear of IPv6 minimum-MTU paths with headroom.</param>
    public DtlsPacketChannel(Action<ReadOnlySpan<byte>> send, int mtu = 1200)
    {
        _send = send ?? throw new ArgumentNullException(nameof(send));
        _mtu = mtu;
        _pending = new byte[mtu];
    }

    /// <summary>Datagrams handed to the socket (a packed flight counts once).</summary>
    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    /// <summary>Datagrams dropped because the queue was full or the channel closed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Queues a received DTLS datagram for the engine (copied; the caller may reuse its buffer).</summary>
    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (_closed || datagram.IsEmpty || !_inbound.TryAdd(datagram.ToArray()))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <inheritdoc />
    public int GetReceiveLimit() => 1500;

    /// <inheritdoc />
    public int GetSendLimit() => _mtu;

    /// <inheritdoc />
    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <inheritdoc />
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        Flush(); // the engine sent its flight and now waits for the peer's
        if (_closed)
        {
            // An IOException makes the engine abort a handshake in progress instead of retransmitting on.
            throw new IOException("The DTLS channel is closed.");
        }

        byte[]? datagram;
        try
        {
            if (!_inbound.TryTake(out datagram, Math.Max(0, waitMillis)))
            {
                return -1; // timeout: the engine retransmits its last flight (RFC 6347 §4.2.4)
            }
        }
        catch (ObjectDisposedException)
        {
            throw new IOException("The DTLS channel is closed.");
        }

        var n = Math.Min(buffer.Length, datagram.Length);
        datagram.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    /// <inheritdoc />
    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
        {
            return;
        }

        lock (_sendGate)
        {
            if (!_packing || buffer.Length > _mtu)
            {
                FlushLocked();
                SendDatagram(buffer);
                return;
            }

            if (_pendingLength + buffer.Length > _mtu)
            {
                FlushLocked();
            }

            buffer.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += buffer.Length;
        }
    }

    /// <summary>
    /// The handshake ended (either way): send what is packed, e.g. the last flight or a fatal alert, and
    /// send later records (close_notify) at once.
    /// </summary>
    internal void EndHandshake()
    {
        lock (_sendGate)
        {
            FlushLocked();
            _packing = false;
        }
    }

    private void Flush()
    {
        lock (_sendGate)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_pendingLength > 0 && !_closed)
        {
            SendDatagram(_pending.AsSpan(0, _pendingLength));
        }

        _pendingLength = 0;
    }

    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _datagramsSent);
        _send(datagram);
    }

    /// <inheritdoc />
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _inbound.CompleteAdding();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        _inbound.Dispose();
    }
}
