using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Serverless.Functions.Http;

/// <summary>
/// A page's files (HTML, CSS, JavaScript) embedded in the assembly under one resource prefix, served with the headers
/// every page of ours needs; each page names its own Content-Security-Policy.
/// </summary>
internal sealed class EmbeddedFiles
{
    private readonly FrozenDictionary<string, (byte[] Body, string Type)> _files;
    private readonly string _contentSecurityPolicy;

    public EmbeddedFiles(string resourcePrefix, string contentSecurityPolicy)
    {
        _files = Load(resourcePrefix);
        _contentSecurityPolicy = contentSecurityPolicy;
    }

    /// <summary>The file <paramref name="name"/> (no folders), or 404.</summary>
    public IActionResult Serve(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_files.TryGetValue(name, out var file))
        {
            return new NotFoundResult();
        }

        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-cache";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = _contentSecurityPolicy;
        return new FileContentResult(file.Body, file.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load(string prefix)
    {
        var assembly = typeof(EmbeddedFiles).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            files[name] = (memory.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
