using Azure.Storage.Blobs;

namespace Serverless.MediaNode.Tests.EndToEnd;

/// <summary>
/// Blob Storage for tests: Azurite on 127.0.0.1:10000 with its published development account (or the
/// connection string in MEDIANODE_TEST_STORAGE). Tests using it fail, never skip, when it is not running.
/// </summary>
internal static class AzuriteStorage
{
    // Azurite's documented, public development account; not a secret.
    private const string DevelopmentConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    public static BlobServiceClient Service() =>
        new(Environment.GetEnvironmentVariable("MEDIANODE_TEST_STORAGE") ?? DevelopmentConnection);
}
