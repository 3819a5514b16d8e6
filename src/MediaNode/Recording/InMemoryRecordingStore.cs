using System.Collections.Concurrent;

namespace Serverless.MediaNode.Recording;

/// <summary>Keeps recordings in memory (unit tests, local runs without storage).</summary>
public sealed class InMemoryRecordingStore : IRecordingStore
{
    private readonly ConcurrentDictionary<string, StoredRecording> _recordings = new(StringComparer.Ordinal);

    /// <summary>Saved recordings by blob name (e.g. <c>recordings/abc.ogg</c>).</summary>
    public IReadOnlyDictionary<string, StoredRecording> Recordings => _recordings;

    public async Task<string> SaveAsync(string callId, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = RecordingBlobName.Full(callId, contentType);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        _recordings[name] = new StoredRecording(copy.ToArray(), contentType);
        return name;
    }
}

/// <summary>One recording held by <see cref="InMemoryRecordingStore"/>.</summary>
public sealed record StoredRecording(byte[] Content, string ContentType);
