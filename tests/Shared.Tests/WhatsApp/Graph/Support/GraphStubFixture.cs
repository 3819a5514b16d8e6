namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>One Kestrel Graph stub per test class; tests reset it before use.</summary>
public sealed class GraphStubFixture : IAsyncLifetime
{
    internal GraphStubServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GraphStubServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
