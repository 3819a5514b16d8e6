namespace Serverless.MediaNode.Recording;

/// <summary>Where recordings go: streamed in blocks while the call runs, so a node never holds a whole file.</summary>
public interface IRecordingStore
{
    /// <summary>
    /// Starts <c>recordings/{callId}.{ogg|wav}</c>. Nothing is visible until <see cref="IRecordingUpload.CommitAsync"/>,
    /// which replaces a previous version, so a retried commit is idempotent.
    /// </summary>
    IRecordingUpload Open(string callId, string contentType);
}

/// <summary>One recording being uploaded as numbered blocks (a block blob's staged blocks in Azure).</summary>
public interface IRecordingUpload
{
    /// <summary>Container and name, e.g. <c>recordings/abc.ogg</c> (what MediaEnded reports).</summary>
    string Name { get; }

    /// <summary>
    /// Stores one block under <paramref name="index"/> (0-99999999); staging an index again replaces it. The
    /// content may be reused once the task completes.
    /// </summary>
    Task StageBlockAsync(int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Makes the file the staged blocks in <paramref name="order"/>; returns <see cref="Name"/>.</summary>
    Task<string> CommitAsync(IReadOnlyList<int> order, CancellationToken cancellationToken);
}
