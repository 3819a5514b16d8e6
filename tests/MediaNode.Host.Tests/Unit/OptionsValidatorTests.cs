namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class OptionsValidatorTests
{
    private static MediaNodeOptions Valid() => new()
    {
        NodeId = "node-1",
        PublicAddress = "203.0.113.7",
        EventsUrl = new Uri("https://func.example/api/media/events"),
        EventsSecret = "s",
        StorageConnectionString = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void ValidOptions_Pass()
    {
        Assert.True(new MediaNodeOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Theory]
    [InlineData("NodeId")]
    [InlineData("PublicAddress")]
    [InlineData("EventsUrl")]
    [InlineData("EventsSecret")]
    [InlineData("MaxCalls")]
    [InlineData("StunServer")]
    [InlineData("Storage")]
    [InlineData("WakeEndpoint")]
    [InlineData("MaxParallelEventDeliveries")]
    [InlineData("ConsentTimeout")]
    public void EachBrokenSetting_FailsWithItsName(string broken)
    {
        var options = Valid();
        switch (broken)
        {
            case "NodeId": options.NodeId = "Bad_Id!"; break;
            case "PublicAddress": options.PublicAddress = "not-an-ip"; break;
            case "EventsUrl": options.EventsUrl = new Uri("/relative", UriKind.Relative); break;
            case "EventsSecret": options.EventsSecret = ""; break;
            case "MaxCalls": options.MaxCalls = 0; break;
            case "StunServer": options.StunServer = "stun.example.com"; break;
            case "Storage": options.StorageConnectionString = " "; break;
            case "WakeEndpoint": options.WakeEndpoint = true; break; // the doorbell is unsigned: never on a non-loopback port
            case "MaxParallelEventDeliveries": options.MaxParallelEventDeliveries = 0; break;
            case "ConsentTimeout": options.ConsentTimeout = TimeSpan.FromSeconds(5); break; // under one consent check interval
        }

        var result = new MediaNodeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(broken, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void WakeEndpoint_OnALoopbackHttpPort_Passes()
    {
        var options = Valid();
        options.WakeEndpoint = true;
        options.HttpBindAddress = "127.0.0.1";

        Assert.True(new MediaNodeOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("http://10.0.0.4:8080/wake", "StorageQueues")]
    [InlineData("https://127.0.0.1:8080/wake", "StorageQueues")]
    [InlineData("http://127.0.0.1:8080/wake", "ServiceBus")]
    public void TransportWakeUrls_OnlyHttpLoopbackWithStorageQueues(string url, string kind)
    {
        var options = new Serverless.Shared.Transport.MediaTransportOptions
        {
            Kind = Enum.Parse<Serverless.Shared.Transport.TransportKind>(kind),
            ConnectionString = "UseDevelopmentStorage=true",
        };
        options.WakeUrls = [new Uri(url)];

        var result = new Serverless.Shared.Transport.MediaTransportOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("WakeUrls", result.FailureMessage, StringComparison.Ordinal);
        options.WakeUrls = null;
        Assert.True(new Serverless.Shared.Transport.MediaTransportOptionsValidator().Validate(null, options).Succeeded);
    }
}
