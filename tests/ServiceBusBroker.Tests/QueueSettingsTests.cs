namespace Serverless.Testing.ServiceBusBroker.Tests;

public sealed class QueueSettingsTests
{
    [Fact]
    public void Deployed_settings_are_read_from_the_json_the_bicep_module_loads()
    {
        var deployed = QueueSettings.Deployed;

        // Short (renewed while held) so a dead node's start reappears inside the Functions' 10 s placement window.
        Assert.Equal(TimeSpan.FromSeconds(6), deployed.LockDuration);
        Assert.Equal(10, deployed.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromHours(1), deployed.DefaultMessageTimeToLive);
        Assert.True(deployed.DeadLetteringOnMessageExpiration);
        Assert.Equal(TimeSpan.FromMinutes(10), deployed.DuplicateDetectionHistoryTimeWindow);
    }

    [Fact]
    public void Duplicate_detection_window_is_read_when_the_queue_requires_it()
    {
        var settings = QueueSettings.FromArmProperties(
            """{"requiresDuplicateDetection": true, "duplicateDetectionHistoryTimeWindow": "PT5M", "lockDuration": "PT1M"}""");

        Assert.Equal(TimeSpan.FromMinutes(5), settings.DuplicateDetectionHistoryTimeWindow);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.LockDuration);
        Assert.False(settings.DeadLetteringOnMessageExpiration);
    }
}
