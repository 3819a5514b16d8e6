using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Serverless.WebRtc.Dtls;

/// <summary>
/// Connects BouncyCastle's blocking DTLS engine to our socket: the demux (RFC 7983) hands every
/// DTLS datagram to <see cref="Deliver"/>, and records the engine sends go out through the send
/// callback to the ICE-selected remote address. One channel per peer.
/// </summary>
public sealed class DtlsPacketChannel : DatagramTransport, IDisposable
{
    // Handshake flights are a handful of packets; a small bound keeps a flood from growing memory.
    private const int MaxQueuedDatagrams = 64;
    private readonly BlockingCollection<byte[]> _inbound = new(MaxQueuedDatagrams);
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly int _mtu;
    private volatile bool _closed;

    /// <param name="send">Sends one datagram to the remote peer.</param>
    /// <param name="mtu">Largest datagram to send; 1200 keeps clear of IPv6 minimum-MTU paths with headroom.</param>
    public DtlsPacketChannel(Action<ReadOnlySpan<byte>> send, int mtu = 1200)
    {
        _send = send ?? throw new ArgumentNullException(nameof(send));
        _mtu = mtu;
    }

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
        if (!_closed)
        {
            _send(buffer);
        }
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
