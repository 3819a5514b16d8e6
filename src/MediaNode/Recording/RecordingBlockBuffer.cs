using System.Buffers;

namespace Serverless.MediaNode.Recording;

/// <summary>
/// The write side of a streamed recording: bytes fill fixed-size blocks (pooled arrays); a full block waits
/// until it has been staged and <see cref="ReleaseOldest"/> gives it back. So a recording
/// holds a few blocks, never the file. Not thread-safe (the recorder's worker owns it).
/// </summary>
internal sealed class RecordingBlockBuffer(int blockSize) : Stream
{
    private readonly Queue<(byte[] Block, int Length)> _full = new();
    private byte[]? _current;
    private int _currentLength;

    public int BlockSize { get; } = blockSize > 0 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize));

    /// <summary>Blocks waiting to be staged, oldest first (full ones, then the tail once sealed).</summary>
    public int FullCount => _full.Count;

    /// <summary>Bytes of pooled memory this buffer holds now.</summary>
    public long RetainedBytes => (_full.Count * (long)BlockSize) + (_current is null ? 0 : BlockSize);

    /// <summary>Bytes written in all.</summary>
    public long TotalWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public ReadOnlyMemory<byte> Oldest => _full.Peek().Block.AsMemory(0, _full.Peek().Length);

    public void ReleaseOldest() => ArrayPool<byte>.Shared.Return(_full.Dequeue().Block);

    /// <summary>At the end: the partly filled block joins the waiting ones (nothing when empty).</summary>
    public void SealTail()
    {
        if (_current is not null && _currentLength > 0)
        {
            _full.Enqueue((_current, _currentLength));
            _current = null;
            _currentLength = 0;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            _current ??= ArrayPool<byte>.Shared.Rent(BlockSize);
            var n = Math.Min(buffer.Length, BlockSize - _currentLength);
            buffer[..n].CopyTo(_current.AsSpan(_currentLength));
            _currentLength += n;
            TotalWritten += n;
            buffer = buffer[n..];
            if (_currentLength == BlockSize)
            {
                _full.Enqueue((_current, BlockSize));
                _current = null;
                _currentLength = 0;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            while (_full.Count > 0)
            {
                ReleaseOldest();
            }

            if (_current is not null)
            {
                ArrayPool<byte>.Shared.Return(_current);
                _current = null;
            }
        }

        base.Dispose(disposing);
    }
}
