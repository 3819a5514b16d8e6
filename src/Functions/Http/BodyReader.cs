using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Http;

/// <summary>
/// Reads a request body as raw bytes under a size cap. Signatures are computed over exactly these bytes, so
/// nothing may parse or re-encode the body first.
/// </summary>
public static class BodyReader
{
    /// <summary>First buffer size: most API bodies, webhooks and media events fit.</summary>
    public const int InitialBufferBytes = 4096;

    /// <summary>Returns the body, or null when it is larger than <paramref name="maxBytes"/> (answer 413).</summary>
    public static Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(request, maxBytes, ArrayPool<byte>.Shared, cancellationToken);

    /// <summary>
    /// <see cref="ReadAsync(HttpRequest, int, CancellationToken)"/> with the pool the buffer comes from. The buffer
    /// grows with the bytes that actually arrive, never with the declared <c>Content-Length</c>: a client that
    /// declares megabytes and sends one byte (before any signature could be checked) costs one small pooled buffer.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, ArrayPool<byte> pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }

        // One byte above the limit is enough to tell "too large" without reading further.
        var cap = maxBytes + 1;
        var buffer = pool.Rent(Math.Min(InitialBufferBytes, cap));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = pool.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    pool.Return(buffer);
                    buffer = larger;
                }

                var room = Math.Min(buffer.Length, cap) - length;
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room), cancellationToken);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            pool.Return(buffer);
        }
    }
}
