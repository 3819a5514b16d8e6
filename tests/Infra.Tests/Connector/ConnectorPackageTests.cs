using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.Connector;

/// <summary>
/// The files a Power Platform certification submission carries besides the definition: the readme with the
/// sections of Microsoft's template (every operation a user sees described), and a 230×230 PNG icon whose
/// background is the declared iconBrandColor.
/// </summary>
public sealed class ConnectorPackageTests
{
    private static readonly string[] RequiredSections =
    [
        "## Publisher:",
        "## Prerequisites",
        "## Supported Operations",
        "## Obtaining Credentials",
        "## Getting Started",
        "## Known Issues and Limitations",
        "## Deployment Instructions",
    ];

    [Fact]
    public void Readme_has_every_section_of_the_certification_template()
    {
        var readme = File.ReadAllText(RepoPaths.Of("connector", "README.md"));
        var missing = RequiredSections.Where(s => !readme.Contains(s, StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, $"connector/README.md lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Readme_describes_every_operation_a_user_sees()
    {
        var readme = File.ReadAllText(RepoPaths.Of("connector", "README.md"));
        var definition = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiDefinition.swagger.json")))!;
        var visible = definition["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value))
            .OfType<JsonObject>()
            .Where(o => (string?)o["x-ms-visibility"] != "internal")
            .Select(o => (string)o["summary"]!)
            .ToArray();
        Assert.NotEmpty(visible);
        var undocumented = visible.Where(s => !readme.Contains($"### {s}", StringComparison.Ordinal)).ToArray();
        Assert.True(undocumented.Length == 0, $"connector/README.md has no '### <summary>' for: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Icon_is_a_230px_png_on_the_brand_color()
    {
        var properties = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiProperties.json")))!;
        var brand = Convert.FromHexString(((string)properties["properties"]!["iconBrandColor"]!).TrimStart('#'));
        var png = File.ReadAllBytes(RepoPaths.Of("connector", "icon.png"));

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var (width, height, pixels) = DecodeRgb(png);
        Assert.Equal((230, 230), (width, height));
        // The corner is background: it must be the brand color, or the tile and the icon disagree.
        Assert.Equal(brand, pixels.AsSpan(1, 3).ToArray());
    }

    /// <summary>Just enough PNG for an 8-bit RGB, non-interlaced, filter-0 image (what the icon is written as).</summary>
    private static (int Width, int Height, byte[] Pixels) DecodeRgb(byte[] png)
    {
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal((8, 2, 0), (data[8], data[9], data[12])); // 8-bit, RGB, not interlaced
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            z.CopyTo(inflated);
        }

        return (width, height, inflated.ToArray());
    }
}
