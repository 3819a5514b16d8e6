using System.Collections.Concurrent;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// Both sides of a bridged call in one recording. The agent's packets, as the caller is sent them, wait in a short
/// queue; while mixing, each caller packet the recorder's worker writes is decoded, the oldest agent frame added
/// (none queued: the caller alone) and the sum re-encoded to one Opus packet, which either format then stores. The
/// decoding runs on the recorder's worker only (never the receive or pacer threads), and only for calls whose
/// <c>connectAgent</c> step records: the bridge itself forwards packets without decoding.
/// </summary>
internal sealed class BridgeMix : IDisposable
{
    /// <summary>Agent frames kept (200 ms): both legs run at 50 packets/s, so more is backlog, dropped oldest first.</summary>
    internal const int MaxQueued = 10;

    private readonly ConcurrentQueue<byte[]> _agent = new();
    private readonly OpusFrameDecoder _callerDecoder;
    private readonly OpusFrameDecoder _agentDecoder;
    private readonly OpusFrameEncoder _encoder;
    private readonly short[] _caller = new short[OpusCodec.FrameSamples];
    private readonly short[] _other = new short[OpusCodec.FrameSamples];
    private readonly byte[] _packet = new byte[OpusCodec.MaxPacketBytes];
    private long _dropped;

    public BridgeMix(OpusEncoderFactory codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        _callerDecoder = codecs.CreateDecoder();
        _agentDecoder = codecs.CreateDecoder();
        _encoder = codecs.CreateEncoder();
    }

    /// <summary>Agent frames the mix never used (the queue overflowed, or an undecodable packet).</summary>
    public long AgentFramesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Pacer thread: one agent packet as the caller was sent it (copied).</summary>
    public void OfferAgent(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty || packet.Length > OpusCodec.MaxPacketBytes)
        {
            return;
        }

        _agent.Enqueue(packet.ToArray());
        while (_agent.Count > MaxQueued && _agent.TryDequeue(out _))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Worker: the caller's packet with the agent's oldest frame mixed in; valid until the next call.</summary>
    public ReadOnlySpan<byte> Mix(ReadOnlySpan<byte> caller)
    {
        _callerDecoder.Decode(caller, _caller);
        if (_agent.TryDequeue(out var agent))
        {
            try
            {
                _agentDecoder.Decode(agent, _other);
                for (var i = 0; i < _caller.Length; i++)
                {
                    _caller[i] = (short)Math.Clamp(_caller[i] + _other[i], short.MinValue, short.MaxValue);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The browser chooses the payload: a packet the codec refuses leaves the caller's frame alone.
                Interlocked.Increment(ref _dropped);
            }
        }

        return _packet.AsSpan(0, _encoder.Encode(_caller, _packet));
    }

    public void Dispose()
    {
        _callerDecoder.Dispose();
        _agentDecoder.Dispose();
        _encoder.Dispose();
    }
}
