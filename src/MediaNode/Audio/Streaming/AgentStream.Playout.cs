using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Media;

namespace Serverless.MediaNode.Audio.Streaming;

// The playout side of a stream step: the agent's audio cut into frames and queued for the pacer, marks, and clear.
internal sealed partial class AgentStream
{
    /// <summary>Agent audio at the dialect's rate: cut into frames, converted and encoded, queued for the pacer.</summary>
    internal void Play(ReadOnlySpan<short> pcm, long receivedAt = -1)
    {
        lock (_gate)
        {
            _partialReceivedAt = receivedAt;
            while (pcm.Length > 0)
            {
                var take = Math.Min(pcm.Length, _partial.Length - _partialCount);
                pcm[..take].CopyTo(_partial.AsSpan(_partialCount));
                _partialCount += take;
                pcm = pcm[take..];
                if (_partialCount == _partial.Length)
                {
                    QueuePartial();
                }
            }
        }
    }

    /// <summary>A mark: confirmed once everything queued before it has been played.</summary>
    internal void AddMark(string name)
    {
        lock (_gate)
        {
            if (_partialCount > 0)
            {
                _partialMarks.Add(name);
            }
            else
            {
                _queue.Enqueue(new Queued(null, 0, name, default, -1, 0));
            }
        }
    }

    /// <summary>
    /// Barge-in: drops the queued audio; the marks waiting behind it are confirmed now (as Twilio does). Returns the
    /// samples dropped, at the dialect's rate.
    /// </summary>
    internal long Clear()
    {
        List<string> marks = [];
        long dropped;
        lock (_gate)
        {
            dropped = ((long)_queuedFrames * _protocol.FrameSamples) + _partialCount;
            foreach (var item in _queue)
            {
                if (item.Mark is { } mark)
                {
                    marks.Add(mark);
                }
            }

            marks.AddRange(_partialMarks);
            _queue.Clear();
            _queuedFrames = 0;
            _partialCount = 0;
            _partialMarks.Clear();
            _clears++;
        }

        foreach (var mark in marks)
        {
            _out.Writer.TryWrite(new Outgoing(OutgoingKind.Mark, null, 0, mark, default));
        }

        return dropped;
    }

    /// <summary>Pacer thread: the next frame of agent audio, confirming the marks it passes.</summary>
    public bool TryReadFrame(Span<byte> destination, out int written)
    {
        written = 0;
        List<string>? marks = null;
        Queued played = default;
        var hasFrame = false;
        lock (_gate)
        {
            if (_queuedFrames == 0 && _partialCount > 0)
            {
                // The agent paused mid-frame: play what it sent (padded) rather than hold it and its marks.
                _partial.AsSpan(_partialCount).Clear();
                _partialCount = _partial.Length;
                QueuePartial();
            }

            TakeMarks(ref marks);
            if (_queue.TryDequeue(out played))
            {
                played.Opus.AsSpan(0, played.Length).CopyTo(destination);
                written = played.Length;
                _queuedFrames--;
                hasFrame = true;
                TakeMarks(ref marks);
            }
        }

        if (hasFrame)
        {
            if (played.ReceivedAt >= 0)
            {
                // The node's own delay: the wait behind the audio queued ahead of it (the agent's buffering) is not.
                _downlink.Record(_time.GetElapsedTime(played.ReceivedAt) - (OpusCodec.FrameDuration * played.Ahead));
            }

            var index = Interlocked.Increment(ref _framesPlayed);
            if (_step.Tracks == StreamTracks.Both)
            {
                _out.Writer.TryWrite(new Outgoing(OutgoingKind.Outbound, null, (uint)((index - 1) * 20), null, played.Pcm));
            }
        }

        foreach (var mark in marks ?? [])
        {
            _out.Writer.TryWrite(new Outgoing(OutgoingKind.Mark, null, 0, mark, default));
        }

        return hasFrame;
    }

    // Caller holds the lock.
    private void TakeMarks(ref List<string>? marks)
    {
        while (_queue.TryPeek(out var head) && head.Mark is { } mark)
        {
            _queue.Dequeue();
            (marks ??= []).Add(mark);
        }
    }

    // Caller holds the lock: the full partial frame becomes a queued Opus frame, followed by the marks that waited for it.
    private void QueuePartial()
    {
        var written = _up.Process(_partial, _wide);
        _wide.AsSpan(Math.Min(written, _wide.Length)).Clear();
        var length = _encoder.Encode(_wide, _encoded);
        if (_queuedFrames < MaxQueuedFrames)
        {
            var pcm = _step.Tracks == StreamTracks.Both ? _partial.ToArray() : default(ReadOnlyMemory<short>);
            _queue.Enqueue(new Queued(_encoded.AsSpan(0, length).ToArray(), length, null, pcm, _partialReceivedAt, _queuedFrames));
            _queuedFrames++;
        }
        else
        {
            _framesDropped++;
        }

        foreach (var mark in _partialMarks)
        {
            _queue.Enqueue(new Queued(null, 0, mark, default, -1, 0));
        }

        _partialMarks.Clear();
        _partialCount = 0;
    }

    public void Dispose()
    {
        _out.Writer.TryComplete();
        _encoder.Dispose();
        _up.Dispose();
    }

    private enum OutgoingKind
    {
        Caller,
        Digit,
        Mark,
        Outbound,
        Control,
    }

    private readonly record struct Outgoing(OutgoingKind Kind, byte[]? Data, uint Timestamp, string? Text, ReadOnlyMemory<short> Pcm, long ReceivedAt = 0);

    // ReceivedAt: when the agent's message that completed the frame arrived (-1: not measured); Ahead: frames queued before it then.
    private readonly record struct Queued(byte[]? Opus, int Length, string? Mark, ReadOnlyMemory<short> Pcm, long ReceivedAt, int Ahead);
}
