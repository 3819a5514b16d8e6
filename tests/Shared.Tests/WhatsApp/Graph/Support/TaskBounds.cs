namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>
/// Bounded waits: a pipeline that wrongly retries would wait on the fake clock forever; this turns such
/// a hang into a failing test (TimeoutException) after a real, generous bound.
/// </summary>
internal static class TaskBounds
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static Task Within(this Task task) => task.WaitAsync(Bound);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Bound);
}
