using Serverless.WebRtc.Peer;

namespace Serverless.WebRtc.Tests;

/// <summary>
/// Pins the library's public types: a type made public (or internal) changes what users depend on, so
/// the change must show up here, deliberately. The list lives in PublicSurface.txt next to this file.
/// </summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void PublicTypesAreExactlyThePinnedList()
    {
        var actual = typeof(PeerFactory).Assembly.GetExportedTypes()
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var pinned = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "PublicSurface.txt"))
            .Where(l => l.Length > 0)
            .ToArray();

        Assert.True(pinned.SequenceEqual(actual), "Public types changed; now:\n" + string.Join('\n', actual));
    }
}
