using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Api;

/// <summary>
/// Reads a request body as raw bytes under a size cap. Signatures are computed over exactly these bytes, so
/// nothing may parse or re-encode the body first.
/// </summary>
public static class BodyReader
{
    /// <summary>Returns the body, or null when it is larger than <paramref name="maxBytes"/> (answer 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
