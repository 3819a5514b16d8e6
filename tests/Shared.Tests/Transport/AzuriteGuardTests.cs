namespace Serverless.Shared.Tests.Transport;

/// <summary>The Azurite tests must fail, not skip or pass, when the emulator is not there.</summary>
public class AzuriteGuardTests
{
    [Fact]
    public async Task Unreachable_storage_fails_with_a_message_naming_Azurite()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        const string Nowhere = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Azurite.ConnectAsync(Nowhere));

        Assert.Contains("Azurite", error.Message, StringComparison.Ordinal);
        Assert.Contains("not reachable", error.Message, StringComparison.Ordinal);
    }
}
