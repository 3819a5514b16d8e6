using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Serverless.WebRtc.Media;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// One call's recording, streamed to the store while the call runs. <see cref="Append"/> runs on the node's one
/// UDP receive thread, so it only copies the packet into a bounded per-call queue (dropping and counting when
/// full) and returns; a worker task drains the queue, writes the format (WAV decoding and gap filling happen
/// there, bounded per packet by <see cref="RecordingGaps"/>) into fixed-size blocks and stages each full block.
/// <see cref="CompleteAsync"/> stages the rest and commits, the WAV header (sizes known only now) staged last
/// but listed first. Memory stays at a few blocks plus the queue whatever the call's length.
/// </summary>
public sealed class CallRecorder : IAsyncDisposable
{
    /// <summary>Block size: 256 KiB is 2.7 s of WAV or about a minute of Ogg Opus.</summary>
    public const int DefaultBlockSize = 256 * 1024;

    /// <summary>Packets the queue holds (10 s of 20 ms packets) to ride out a slow block upload.</summary>
    public const int DefaultQueueCapacity = 500;

    /// <summary>Full blocks kept while staging fails; beyond it new audio is dropped (counted), not buffered.</summary>
    public const int MaxPendingBlocks = 4;

    private const int HeaderBlock = 0;

    private readonly Channel<Item> _queue;
    private readonly IRecordingUpload _upload;
    private readonly RecordingBlockBuffer _blocks;
    private readonly OggOpusWriter? _oggWriter;
    private readonly WavRecordingWriter? _wavWriter;
    private readonly List<int> _staged = [];
    private readonly TaskCompletionSource _startWorker = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _worker;
    private readonly OpusEncoderFactory _codecs;
    private BridgeMix? _mix;
    private volatile bool _mixing;
    private readonly CancellationTokenSource _stop = new();
    private long _queuedBytes;
    private long _peakRetainedBytes;
    private long _packetsRecorded;
    private long _packetsDropped;
    private bool _closed;
    private bool _finished;
    private int _disposed;
    private int _nextBlock = HeaderBlock + 1;
    private byte[]? _header;

    public CallRecorder(string callId, RecordingFormat format, OpusEncoderFactory codecs, IRecordingStore store)
        : this(callId, format, codecs, store, DefaultBlockSize, DefaultQueueCapacity, startWorker: true)
    {
    }

    /// <summary>Tests size the blocks and queue, and may hold the worker back to see what the receive path does alone.</summary>
    internal CallRecorder(string callId, RecordingFormat format, OpusEncoderFactory codecs, IRecordingStore store, int blockSize, int queueCapacity, bool startWorker)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentNullException.ThrowIfNull(store);
        Format = format;
        _codecs = codecs;
        _upload = store.Open(callId, ContentType);
        _blocks = new RecordingBlockBuffer(blockSize);
        if (format == RecordingFormat.Wav)
        {
            _wavWriter = new WavRecordingWriter(_blocks, codecs);
        }
        else
        {
            _oggWriter = new OggOpusWriter(_blocks, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)));
        }

        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once: the receive thread never waits
            SingleReader = true,
        });
        _worker = Task.Run(DrainAsync);
        if (startWorker)
        {
            _startWorker.TrySetResult();
        }
    }

    public RecordingFormat Format { get; }

    public string ContentType => RecordingContentTypes.Of(Format);

    /// <summary>The blob the recording is committed to, e.g. <c>recordings/abc.ogg</c>.</summary>
    public string BlobName => _upload.Name;

    /// <summary>Packets written to the recording (not counting concealment).</summary>
    public long PacketsRecorded => Interlocked.Read(ref _packetsRecorded);

    /// <summary>Packets lost to the recording: queue full, storage stalled, malformed or behind the timeline.</summary>
    public long PacketsDropped => Interlocked.Read(ref _packetsDropped) + (_wavWriter?.PacketsDropped ?? _oggWriter!.PacketsDropped);

    /// <summary>Audio recorded (48 kHz samples of the file's timeline).</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((_wavWriter?.Samples ?? _oggWriter!.GranulePosition) / (double)OpusCodec.SampleRate);

    /// <summary>Audio recorded, in seconds (what the call record reports).</summary>
    public double DurationSeconds => Duration.TotalSeconds;

    /// <summary>Size of the committed file in bytes (header included); meaningful once <see cref="CompleteAsync"/> succeeded.</summary>
    public long SizeBytes => _blocks.TotalWritten + (_header?.Length ?? 0);

    /// <summary>Jumps in RTP timestamps too long to fill (see <see cref="RecordingGaps"/>).</summary>
    public long Resyncs => _wavWriter?.Resyncs ?? _oggWriter!.Resyncs;

    /// <summary>Bytes held now: queued packets plus pooled blocks.</summary>
    public long RetainedBytes => Interlocked.Read(ref _queuedBytes) + _blocks.RetainedBytes;

    /// <summary>The most <see cref="RetainedBytes"/> has been (sampled by the worker after each packet).</summary>
    public long PeakRetainedBytes => Interlocked.Read(ref _peakRetainedBytes);

    internal WavRecordingWriter? Wav => _wavWriter;

    internal OggOpusWriter? Ogg => _oggWriter;

    internal int QueuedPackets => _queue.Reader.Count;

    /// <summary>Queues a received packet (copied); ignored once completing. Never blocks and never decodes.</summary>
    public void Append(ReadOnlySpan<byte> payload, uint rtpTimestamp)
    {
        if (Volatile.Read(ref _closed) || payload.IsEmpty)
        {
            return;
        }

        var copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(copy);
        Interlocked.Add(ref _queuedBytes, copy.Length);
        if (!_queue.Writer.TryWrite(new Item(copy, payload.Length, rtpTimestamp, null)))
        {
            Interlocked.Add(ref _queuedBytes, -copy.Length);
            ArrayPool<byte>.Shared.Return(copy);
            Interlocked.Increment(ref _packetsDropped);
        }
    }

    /// <summary>
    /// A bridge starts (true) or ends (false): while on, the packets given to <see cref="AppendOtherSide"/> are mixed
    /// into the caller's (see <see cref="BridgeMix"/>), so the recording holds both sides of the conversation.
    /// </summary>
    public void MixOtherSide(bool on)
    {
        if (on)
        {
            Volatile.Write(ref _mix, Volatile.Read(ref _mix) ?? new BridgeMix(_codecs));
        }

        _mixing = on;
    }

    /// <summary>Pacer thread: a packet the other side (the agent) sent the caller, mixed in while <see cref="MixOtherSide"/> is on.</summary>
    public void AppendOtherSide(ReadOnlySpan<byte> payload)
    {
        if (_mixing && !Volatile.Read(ref _closed))
        {
            Volatile.Read(ref _mix)?.OfferAgent(payload);
        }
    }

    internal void StartWorker() => _startWorker.TrySetResult();

    /// <summary>Completes once the worker has handled everything queued before it (tests feed at the worker's pace).</summary>
    internal async Task DrainedAsync()
    {
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Item(null, 0, 0, barrier));
        await barrier.Task;
    }

    /// <summary>
    /// Stops taking packets, writes what is queued, stages the remaining blocks and commits the file; returns its
    /// blob name. After a failure, calling it again retries what was not stored yet. Not concurrently.
    /// </summary>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _closed, true);
        _queue.Writer.TryComplete();

        _startWorker.TrySetResult();
        await _worker.WaitAsync(cancellationToken);
        if (!_finished)
        {
            _finished = true;
            _oggWriter?.Finish();
            _header = _wavWriter?.Header();
            _blocks.SealTail();
        }

        await StageFullBlocksAsync(final: true, cancellationToken);
        if (_header is not null && !_staged.Contains(HeaderBlock))
        {
            await _upload.StageBlockAsync(HeaderBlock, _header, cancellationToken);
            _staged.Insert(0, HeaderBlock);
        }

        return await _upload.CommitAsync(_staged, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _closed, true);
        _queue.Writer.TryComplete();
        _startWorker.TrySetResult();
        await _stop.CancelAsync(); // an upload hanging on storage does not hold up disposal
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_queue.Reader.TryRead(out var item))
        {
            Release(item);
        }

        _wavWriter?.Dispose();
        _mix?.Dispose();
        await _blocks.DisposeAsync();
        _stop.Dispose();
    }

    private async Task DrainAsync()
    {
        await _startWorker.Task;
        await foreach (var item in _queue.Reader.ReadAllAsync())
        {
            if (item.Barrier is { } barrier)
            {
                barrier.TrySetResult();
                continue;
            }

            try
            {
                Write(item);
            }
            finally
            {
                Release(item);
            }

            NotePeak();
            await StageFullBlocksAsync(final: false, _stop.Token);
        }
    }

    private void Write(Item item)
    {
        if (_blocks.FullCount >= MaxPendingBlocks)
        {
            Interlocked.Increment(ref _packetsDropped); // storage is not keeping up: bounded memory wins
            return;
        }

        ReadOnlySpan<byte> packet = item.Buffer.AsSpan(0, item.Length);
        try
        {
            if (_mixing && Volatile.Read(ref _mix) is { } mix)
            {
                packet = mix.Mix(packet);
            }

            if (_oggWriter is not null)
            {
                _oggWriter.WritePacket(packet, item.Timestamp);
            }
            else
            {
                _wavWriter!.WritePacket(packet, item.Timestamp);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The remote side chooses the payload: one packet the codec chokes on must not end the recording.
            Interlocked.Increment(ref _packetsDropped);
            return;
        }

        Interlocked.Increment(ref _packetsRecorded);
    }

    // Body blocks are numbered from 1 in order (0 is the header). While the worker runs, a failure leaves the
    // block queued for the next attempt (the SDK has already retried); at completion it surfaces.
    private async Task StageFullBlocksAsync(bool final, CancellationToken cancellationToken)
    {
        while (_blocks.FullCount > 0)
        {
            var index = _nextBlock;
            try
            {
                await _upload.StageBlockAsync(index, _blocks.Oldest, cancellationToken);
            }
            catch (Exception) when (!final && !cancellationToken.IsCancellationRequested)
            {
                return;
            }

            _staged.Add(index);
            _nextBlock++;
            _blocks.ReleaseOldest();
        }
    }

    private void NotePeak()
    {
        var retained = RetainedBytes;
        if (retained > Interlocked.Read(ref _peakRetainedBytes))
        {
            Interlocked.Exchange(ref _peakRetainedBytes, retained);
        }
    }

    private void Release(Item item)
    {
        if (item.Buffer is not null)
        {
            Interlocked.Add(ref _queuedBytes, -item.Buffer.Length);
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    private readonly record struct Item(byte[]? Buffer, int Length, uint Timestamp, TaskCompletionSource? Barrier);
}
