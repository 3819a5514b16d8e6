using System.Collections.Concurrent;

namespace Serverless.MediaNode.Recording;

/// <summary>Keeps recordings in memory (unit tests, local runs without storage); same block semantics as Blob.</summary>
public sealed class InMemoryRecordingStore : IRecordingStore
{
    private readonly ConcurrentDictionary<string, StoredRecording> _recordings = new(StringComparer.Ordinal);

    /// <summary>Committed recordings by blob name (e.g. <c>recordings/abc.ogg</c>).</summary>
    public IReadOnlyDictionary<string, StoredRecording> Recordings => _recordings;

    public IRecordingUpload Open(string callId, string contentType) => new Upload(this, RecordingBlobName.Full(callId, contentType), contentType);

    private sealed class Upload(InMemoryRecordingStore store, string name, string contentType) : IRecordingUpload
    {
        private readonly ConcurrentDictionary<int, byte[]> _blocks = new();

        public string Name => name;

        public Task StageBlockAsync(int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            _blocks[index] = content.ToArray();
            return Task.CompletedTask;
        }

        public Task<string> CommitAsync(IReadOnlyList<int> order, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(order);
            using var file = new MemoryStream();
            foreach (var index in order)
            {
                file.Write(_blocks.TryGetValue(index, out var block)
                    ? block
                    : throw new InvalidOperationException($"Block {index} was never staged."));
            }

            store._recordings[name] = new StoredRecording(file.ToArray(), contentType);
            return Task.FromResult(name);
        }
    }
}

/// <summary>One recording held by <see cref="InMemoryRecordingStore"/>.</summary>
public sealed record StoredRecording(byte[] Content, string ContentType);
